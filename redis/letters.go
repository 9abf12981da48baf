package redis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	goredis "github.com/redis/go-redis/v9"

	"github.com/laborbot/laborbot/letter"
)

// Letters (letter.Store), under the {letters} hash tag so a letter, its
// numbers and its ticket's list change in one script:
//
//	<prefix>{letters}:next               the last letter id
//	<prefix>{letters}:seq:<kind>:<year>  the last sequence number of a kind in a year
//	<prefix>{letters}:all                hash: id → "<seq>\n<JSON letter.Letter>"
//	<prefix>{letters}:ticket:<n>         list of the ticket's letter ids, oldest first
//	<prefix>{letters}:templates          hash: kind → JSON letter.Template
//	<prefix>{letters}:union              JSON letter.Union

var _ letter.Store = (*Store)(nil)

func (s *Store) lettersKey(what string) string { return s.prefix + "{letters}:" + what }

// addLetterScript numbers and stores a letter atomically.
var addLetterScript = goredis.NewScript(`
local id = redis.call('INCR', KEYS[1])
local seq = redis.call('INCR', KEYS[2])
redis.call('HSET', KEYS[3], id, seq .. '\n' .. ARGV[1])
redis.call('RPUSH', KEYS[4], id)
return {id, seq}
`)

// AddLetter implements letter.Store.
func (s *Store) AddLetter(ctx context.Context, l letter.Letter) (letter.Letter, error) {
	l.ID, l.Seq = 0, 0
	v, err := json.Marshal(l)
	if err != nil {
		return letter.Letter{}, err
	}
	keys := []string{s.lettersKey("next"), s.lettersKey("seq:" + string(l.Kind) + ":" + strconv.Itoa(l.Year)),
		s.lettersKey("all"), s.lettersKey("ticket:" + strconv.FormatInt(l.Ticket, 10))}
	res, err := addLetterScript.Run(ctx, s.client, keys, v).Int64Slice()
	if err != nil || len(res) != 2 {
		return letter.Letter{}, fmt.Errorf("redis: add letter: %v", err)
	}
	l.ID, l.Seq = res[0], int(res[1])
	return l, nil
}

func decodeLetter(id int64, raw string) (letter.Letter, error) {
	seqText, body, ok := strings.Cut(raw, "\n")
	seq, err := strconv.Atoi(seqText)
	if !ok || err != nil {
		return letter.Letter{}, fmt.Errorf("redis: letter %d: bad value", id)
	}
	var l letter.Letter
	if err := json.Unmarshal([]byte(body), &l); err != nil {
		return letter.Letter{}, fmt.Errorf("redis: letter %d: %w", id, err)
	}
	l.ID, l.Seq = id, seq
	return l, nil
}

// GetLetter implements letter.Store.
func (s *Store) GetLetter(ctx context.Context, id int64) (letter.Letter, error) {
	raw, err := s.client.HGet(ctx, s.lettersKey("all"), strconv.FormatInt(id, 10)).Result()
	if errors.Is(err, goredis.Nil) {
		return letter.Letter{}, fmt.Errorf("letter %d: %w", id, letter.ErrNotFound)
	}
	if err != nil {
		return letter.Letter{}, fmt.Errorf("redis: letter %d: %w", id, err)
	}
	return decodeLetter(id, raw)
}

// TicketLetters implements letter.Store.
func (s *Store) TicketLetters(ctx context.Context, ticket int64) ([]letter.Letter, error) {
	ids, err := s.client.LRange(ctx, s.lettersKey("ticket:"+strconv.FormatInt(ticket, 10)), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("redis: letters of ticket %d: %w", ticket, err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	raws, err := s.client.HMGet(ctx, s.lettersKey("all"), ids...).Result()
	if err != nil {
		return nil, fmt.Errorf("redis: letters of ticket %d: %w", ticket, err)
	}
	var out []letter.Letter
	for i, r := range raws {
		raw, ok := r.(string)
		if !ok {
			continue
		}
		id, _ := strconv.ParseInt(ids[i], 10, 64)
		l, err := decodeLetter(id, raw)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, nil
}

// LetterTemplates implements letter.Store.
func (s *Store) LetterTemplates(ctx context.Context) (map[letter.Kind]letter.Template, error) {
	m, err := s.client.HGetAll(ctx, s.lettersKey("templates")).Result()
	if err != nil {
		return nil, fmt.Errorf("redis: letter templates: %w", err)
	}
	out := map[letter.Kind]letter.Template{}
	for _, v := range m {
		var t letter.Template
		if err := json.Unmarshal([]byte(v), &t); err != nil {
			return nil, fmt.Errorf("redis: letter template: %w", err)
		}
		out[t.Kind] = t
	}
	return out, nil
}

// PutLetterTemplate implements letter.Store.
func (s *Store) PutLetterTemplate(ctx context.Context, t letter.Template) error {
	v, err := json.Marshal(t)
	if err != nil {
		return err
	}
	if err := s.client.HSet(ctx, s.lettersKey("templates"), string(t.Kind), v).Err(); err != nil {
		return fmt.Errorf("redis: put letter template: %w", err)
	}
	return nil
}

// LetterUnion implements letter.Store.
func (s *Store) LetterUnion(ctx context.Context) (letter.Union, bool, error) {
	raw, err := s.client.Get(ctx, s.lettersKey("union")).Result()
	if errors.Is(err, goredis.Nil) {
		return letter.Union{}, false, nil
	}
	if err != nil {
		return letter.Union{}, false, fmt.Errorf("redis: letterhead: %w", err)
	}
	var u letter.Union
	if err := json.Unmarshal([]byte(raw), &u); err != nil {
		return letter.Union{}, false, fmt.Errorf("redis: letterhead: %w", err)
	}
	return u, true, nil
}

// PutLetterUnion implements letter.Store.
func (s *Store) PutLetterUnion(ctx context.Context, u letter.Union) error {
	v, err := json.Marshal(u)
	if err != nil {
		return err
	}
	if err := s.client.Set(ctx, s.lettersKey("union"), v, 0).Err(); err != nil {
		return fmt.Errorf("redis: put letterhead: %w", err)
	}
	return nil
}

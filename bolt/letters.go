package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"

	bbolt "go.etcd.io/bbolt"

	"github.com/laborbot/laborbot/letter"
)

// Letters (letter.Store). Bucket names and layouts are part of the file
// format:
//
//	letters             letter id (big-endian) → JSON letter.Letter
//	letters_by_ticket   ticket number, letter id (8 + 8 bytes) → empty
//	letters_seq         "KIND:YEAR" → last sequence number (big-endian)
//	letters_settings    "template:KIND" → JSON letter.Template; "union" → JSON letter.Union
const (
	bucketLetters         = "letters"
	bucketLettersByTicket = "letters_by_ticket"
	bucketLettersSeq      = "letters_seq"
	bucketLettersSettings = "letters_settings"
)

var _ letter.Store = (*Store)(nil)

func (s *Store) lettersUpdate(ctx context.Context, fn func(letters, byTicket, seq, settings *bbolt.Bucket) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.Update(func(tx *bbolt.Tx) error {
		var bs [4]*bbolt.Bucket
		for i, name := range []string{bucketLetters, bucketLettersByTicket, bucketLettersSeq, bucketLettersSettings} {
			b, err := tx.CreateBucketIfNotExists([]byte(name))
			if err != nil {
				return err
			}
			bs[i] = b
		}
		return fn(bs[0], bs[1], bs[2], bs[3])
	})
}

// AddLetter implements letter.Store: the id, the sequence number and the
// letter are written in one transaction.
func (s *Store) AddLetter(ctx context.Context, l letter.Letter) (letter.Letter, error) {
	err := s.lettersUpdate(ctx, func(letters, byTicket, seqs, _ *bbolt.Bucket) error {
		id, err := letters.NextSequence()
		if err != nil {
			return err
		}
		seqKey := []byte(string(l.Kind) + ":" + strconv.Itoa(l.Year))
		var n uint64
		if v := seqs.Get(seqKey); len(v) == 8 {
			n = binary.BigEndian.Uint64(v)
		}
		n++
		if err := seqs.Put(seqKey, intakeNumKey(n)); err != nil {
			return err
		}
		l.ID, l.Seq = int64(id), int(n)
		v, err := json.Marshal(l)
		if err != nil {
			return err
		}
		if err := letters.Put(intakeNumKey(id), v); err != nil {
			return err
		}
		return byTicket.Put(append(intakeNumKey(uint64(l.Ticket)), intakeNumKey(id)...), nil)
	})
	if err != nil {
		return letter.Letter{}, fmt.Errorf("bolt: add letter: %w", err)
	}
	return l, nil
}

// GetLetter implements letter.Store.
func (s *Store) GetLetter(ctx context.Context, id int64) (letter.Letter, error) {
	if err := ctx.Err(); err != nil {
		return letter.Letter{}, err
	}
	var l letter.Letter
	found := false
	err := s.db.View(func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(bucketLetters))
		if b == nil || id <= 0 {
			return nil
		}
		v := b.Get(intakeNumKey(uint64(id)))
		if v == nil {
			return nil
		}
		found = true
		return json.Unmarshal(v, &l)
	})
	if err != nil {
		return letter.Letter{}, fmt.Errorf("bolt: letter %d: %w", id, err)
	}
	if !found {
		return letter.Letter{}, fmt.Errorf("letter %d: %w", id, letter.ErrNotFound)
	}
	return l, nil
}

// TicketLetters implements letter.Store.
func (s *Store) TicketLetters(ctx context.Context, ticket int64) ([]letter.Letter, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []letter.Letter
	err := s.db.View(func(tx *bbolt.Tx) error {
		idx, letters := tx.Bucket([]byte(bucketLettersByTicket)), tx.Bucket([]byte(bucketLetters))
		if idx == nil || letters == nil {
			return nil
		}
		prefix := intakeNumKey(uint64(ticket))
		c := idx.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			v := letters.Get(k[8:])
			if v == nil {
				continue
			}
			var l letter.Letter
			if err := json.Unmarshal(v, &l); err != nil {
				return err
			}
			out = append(out, l)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: letters of ticket %d: %w", ticket, err)
	}
	return out, nil
}

// LetterTemplates implements letter.Store.
func (s *Store) LetterTemplates(ctx context.Context) (map[letter.Kind]letter.Template, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := map[letter.Kind]letter.Template{}
	err := s.db.View(func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(bucketLettersSettings))
		if b == nil {
			return nil
		}
		c := b.Cursor()
		prefix := []byte("template:")
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var t letter.Template
			if err := json.Unmarshal(v, &t); err != nil {
				return err
			}
			out[t.Kind] = t
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: letter templates: %w", err)
	}
	return out, nil
}

// PutLetterTemplate implements letter.Store.
func (s *Store) PutLetterTemplate(ctx context.Context, t letter.Template) error {
	v, err := json.Marshal(t)
	if err != nil {
		return err
	}
	return s.lettersUpdate(ctx, func(_, _, _, settings *bbolt.Bucket) error {
		return settings.Put([]byte("template:"+string(t.Kind)), v)
	})
}

// LetterUnion implements letter.Store.
func (s *Store) LetterUnion(ctx context.Context) (letter.Union, bool, error) {
	if err := ctx.Err(); err != nil {
		return letter.Union{}, false, err
	}
	var u letter.Union
	found := false
	err := s.db.View(func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(bucketLettersSettings))
		if b == nil {
			return nil
		}
		v := b.Get([]byte("union"))
		if v == nil {
			return nil
		}
		found = true
		return json.Unmarshal(v, &u)
	})
	if err != nil {
		return letter.Union{}, false, fmt.Errorf("bolt: letterhead: %w", err)
	}
	return u, found, nil
}

// PutLetterUnion implements letter.Store.
func (s *Store) PutLetterUnion(ctx context.Context, u letter.Union) error {
	v, err := json.Marshal(u)
	if err != nil {
		return err
	}
	return s.lettersUpdate(ctx, func(_, _, _, settings *bbolt.Bucket) error {
		return settings.Put([]byte("union"), v)
	})
}

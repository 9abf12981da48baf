package letter

import "context"

// Store keeps letters, templates and the letterhead. Implementations
// (packages bolt and redis, checked by storetest.TestLetterStore) must be
// safe for concurrent use, also by several processes sharing one store.
// The store keeps what it is given: sealing and checking are the
// Service's.
type Store interface {
	// AddLetter stores l as a new letter: it assigns l.ID (1, 2, … over all
	// letters) and l.Seq (1, 2, … per kind and year; concurrent calls get
	// distinct, consecutive numbers) and returns the stored letter.
	AddLetter(ctx context.Context, l Letter) (Letter, error)
	// GetLetter returns a letter by ID, or ErrNotFound.
	GetLetter(ctx context.Context, id int64) (Letter, error)
	// TicketLetters returns a ticket's letters, oldest first.
	TicketLetters(ctx context.Context, ticket int64) ([]Letter, error)
	// LetterTemplates returns the templates admins saved (kinds never
	// saved are missing).
	LetterTemplates(ctx context.Context) (map[Kind]Template, error)
	// PutLetterTemplate saves t as the template of t.Kind.
	PutLetterTemplate(ctx context.Context, t Template) error
	// LetterUnion returns the letterhead (ok false when never saved).
	LetterUnion(ctx context.Context) (u Union, ok bool, err error)
	// PutLetterUnion saves the letterhead.
	PutLetterUnion(ctx context.Context, u Union) error
}

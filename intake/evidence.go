package intake

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
)

// MaxEvidenceSize is the largest evidence file the Service keeps (10 MiB).
// Telegram lets bots download up to 20 MB; larger photos and scans than
// this are rare, and the mediator can ask for them directly.
const MaxEvidenceSize = 10 << 20

// MaxStoredEvidenceSize is the largest blob a Store accepts: a file of
// MaxEvidenceSize once sealed (base64 and the AEAD's overhead) and tagged.
const MaxStoredEvidenceSize = MaxEvidenceSize/3*4 + 4096

// ErrEvidenceTooLarge is returned for a file over MaxEvidenceSize.
var ErrEvidenceTooLarge = fmt.Errorf("intake: evidence file over %d bytes", MaxEvidenceSize)

// A stored evidence blob starts with a one-byte tag saying how the rest is
// kept, so that blobs written before and after DATA_KEY was set can be
// told apart whatever a file's own first bytes are:
//
//	'p' the file's bytes as they are (no DATA_KEY)
//	's' the Sealer's seal of the file's bytes ("sealed:v1:" and base64)
const (
	evidencePlain  = 'p'
	evidenceSealed = 's'
)

// StoreEvidence keeps the downloaded bytes of evidence fileID of ticket
// number, sealed when a DATA_KEY is configured. It is for the bot itself
// (it downloads what the worker sent, as the worker), not for a user: the
// file id must be one of the ticket's Evidence, and an erased ticket takes
// no files.
func (s *Service) StoreEvidence(ctx context.Context, number int64, fileID string, data []byte) error {
	if len(data) > MaxEvidenceSize {
		return ErrEvidenceTooLarge
	}
	t, err := s.store.GetTicket(ctx, number)
	if err != nil {
		return err
	}
	if t.Erased() {
		return fmt.Errorf("intake: ticket #%d is erased", number)
	}
	if fileID == "" || !slices.ContainsFunc(t.Evidence, func(e Evidence) bool { return e.FileID == fileID }) {
		return fmt.Errorf("intake: ticket #%d has no such evidence file", number)
	}
	blob, err := s.sealEvidence(data)
	if err != nil {
		return fmt.Errorf("intake: ticket #%d: %w", number, err)
	}
	return s.store.PutEvidence(ctx, number, fileID, blob)
}

// Evidence returns the stored bytes of evidence fileID of ticket number,
// for those who may see the worker's contact details (ActionViewContact:
// the worker, the claiming mediator, admins). A file that was not
// downloaded is ErrNotFound; workers get ErrForbidden for other people's
// tickets and for numbers that do not exist alike.
func (s *Service) Evidence(ctx context.Context, userID, number int64, fileID string) ([]byte, error) {
	p, err := s.Principal(ctx, userID)
	if err != nil {
		return nil, err
	}
	if _, err := s.authorized(ctx, p, number, ActionViewContact, s.store.GetTicket); err != nil {
		return nil, err
	}
	blob, err := s.store.GetEvidence(ctx, number, fileID)
	if err != nil {
		return nil, err
	}
	data, err := s.openEvidence(blob)
	if err != nil {
		return nil, fmt.Errorf("intake: ticket #%d: %w", number, err)
	}
	_ = s.audit(ctx, p, ActionViewEvidence, number, "")
	return data, nil
}

// sealEvidence hands the file's bytes to the Sealer as a string (Go
// strings hold any bytes; AES-GCM does not care), so a sealed file is
// base64 once, in the sealed value's own encoding.
func (s *Service) sealEvidence(data []byte) ([]byte, error) {
	sealed, err := s.sealer.Seal(string(data))
	if err != nil {
		return nil, err
	}
	if sealed == string(data) { // no DATA_KEY (or an empty file)
		return append([]byte{evidencePlain}, data...), nil
	}
	return append([]byte{evidenceSealed}, sealed...), nil
}

func (s *Service) openEvidence(blob []byte) ([]byte, error) {
	if len(blob) == 0 {
		return nil, errors.New("evidence blob: empty")
	}
	switch blob[0] {
	case evidencePlain:
		return bytes.Clone(blob[1:]), nil
	case evidenceSealed:
		if !bytes.HasPrefix(blob[1:], []byte(sealedPrefix)) {
			return nil, errors.New("evidence blob: sealed tag without a sealed value")
		}
		plain, err := s.sealer.Open(string(blob[1:]))
		if err != nil {
			return nil, err
		}
		return []byte(plain), nil
	}
	return nil, errors.New("evidence blob: unknown format")
}

package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/laborbot/laborbot/intake"
)

// WithEvidenceDownload makes the bot download the photos and files a
// worker sent with a complaint into the store (intake.Service.StoreEvidence,
// sealed when DATA_KEY is set) right after the ticket is created, so they
// outlive Telegram's copies. Without it evidence is kept as Telegram file
// ids only. Give it after WithIntake, which it extends (alone it does
// nothing).
func WithEvidenceDownload(downloader Downloader) Option {
	return func(c *Conversation) {
		if c.intake != nil {
			c.intake.evidence = downloader
		}
	}
}

// storeEvidence downloads evidence files of ticket number and stores them
// (when WithEvidenceDownload is on). A failure is logged and skipped: the
// ticket keeps the file id, so the mediator can still see the file in
// Telegram. Logs at info and above carry the ticket number and the file's
// position, never its id or name (a download error can contain the file's
// path).
func (c *Conversation) storeEvidence(ctx context.Context, number int64, files []intake.Evidence) {
	d := c.intake.evidence
	if d == nil {
		return
	}
	for i, e := range files {
		data, err := d.Download(ctx, e.FileID)
		if errors.Is(err, ErrNotDownloaded) {
			continue
		}
		if err == nil {
			err = c.intake.svc.StoreEvidence(ctx, number, e.FileID, data)
		}
		if err != nil {
			c.log.Warn("evidence file not stored", "ticket", number, "file", i+1, "of", len(files))
			c.log.Debug("evidence file not stored", "ticket", number, "file", i+1, "err", err)
		}
	}
}

// ErrNotDownloaded is what a Downloader given to WithEvidenceDownload
// returns for a file it is not meant to copy (a Telegram file when only the
// web chat's uploads are kept): the file is skipped without a warning.
var ErrNotDownloaded = errors.New("bot: file not downloaded by design")

// sendEvidence shows evidence file i of ticket number to the mediator:
// Telegram's own files by their id; files uploaded in the web chat, which
// Telegram does not hold, from the store (intake checks the mediator may
// see them and records that they did).
func (c *Conversation) sendEvidence(ctx context.Context, userID, number int64, i int, e intake.Evidence, caption string, out Responder) error {
	if !IsWebFile(e.FileID) {
		return out.ResendFile(ctx, e.Kind, e.FileID, caption)
	}
	data, err := c.intake.svc.Evidence(ctx, userID, number, e.FileID)
	if errors.Is(err, intake.ErrNotFound) {
		return out.Send(ctx, Reply{Text: caption + " · " + evidenceMissing.in("zh")})
	}
	if err != nil {
		return err
	}
	return out.SendFile(ctx, fmt.Sprintf("evidence-%d-%d%s", number, i+1, fileExt(data)), data, caption)
}

var evidenceMissing = text{"文件未保存（上传后未能存入）。", "The file was not stored."}

// fileExt is the usual extension for data's sniffed type.
func fileExt(data []byte) string {
	switch http.DetectContentType(data) {
	case "image/jpeg":
		return ".jpg"
	case "image/png":
		return ".png"
	case "image/gif":
		return ".gif"
	case "image/webp":
		return ".webp"
	case "application/pdf":
		return ".pdf"
	}
	return ".bin"
}

var evidenceAdded = text{"📎 已把文件添加到你的投诉 #%d，调解员会看到。", "📎 Added to your complaint #%d; the mediator will see it."}

// ticketEvidence attaches photos and files a worker sends outside any flow
// to their open complaint (the most recently changed): that is what a
// mediator's "please send more evidence" asks for. It reports false when
// the worker has no open complaint.
func (c *Conversation) ticketEvidence(ctx context.Context, in Incoming, lang string, out Responder) (bool, error) {
	if c.intake == nil || in.ChatType != ChatPrivate || len(in.Files) == 0 {
		return false, nil
	}
	ts, err := c.intake.svc.ListTickets(ctx, in.UserID, intake.Filter{Worker: in.UserID, OpenOnly: true})
	if err != nil {
		return false, err
	}
	var latest *intake.Ticket
	for i := range ts {
		t := &ts[i]
		if t.WorkerID == in.UserID && (latest == nil || t.UpdatedAt.After(latest.UpdatedAt)) {
			latest = t
		}
	}
	if latest == nil {
		return false, nil
	}
	var files []intake.Evidence
	for _, f := range in.Files {
		files = append(files, intake.Evidence{FileID: f.ID, Kind: f.Kind})
	}
	t, err := c.intake.svc.AddEvidence(ctx, in.UserID, latest.Number, files...)
	if err != nil {
		return true, c.refusal(ctx, err, lang, out)
	}
	c.storeEvidence(ctx, t.Number, files)
	return true, out.Send(ctx, Reply{Text: fmt.Sprintf(evidenceAdded.in(lang), t.Number)})
}

// isEntryUpload tells a knowledge-base file (an entry, a zip of entries, a
// statute) from evidence: by its name.
func isEntryUpload(in Incoming) bool {
	if in.Kind != KindDocument || len(in.Files) == 0 {
		return false
	}
	name := strings.ToLower(in.Files[0].Name)
	return strings.HasSuffix(name, ".md") || strings.HasSuffix(name, ".zip")
}

// Package letter drafts and issues the union's "一函两书": the reminder
// letter (提示函), the opinion (意见书) and the recommendation (建议书) a
// union sends to an employer that breaks labor law, or to the authority
// that can make it stop.
//
// A mediator asks for a draft from a ticket: the letter's template (one
// per kind, edited by admins) is filled with the ticket's facts (the
// employer, the workers affected — the open complaints against the same
// employer, each filed with the worker's consent —, the dispute types,
// periods and amounts, some computed by package calc), the legal basis for
// those dispute types (the articles quoted from the loaded statutes, or
// cited by name and number when none are loaded) and the union's
// letterhead. The mediator edits the draft and issues it: the letter gets
// a number (prefix〔year〕N号, counted per kind and year), is stored with
// the ticket and recorded in the ticket's trail and the staff audit log.
// Packages letter/pdf and letter/docx lay an issued letter out as a file.
//
// Like intake, this package knows nothing of HTTP or Telegram; every
// method takes the acting user's id and intake decides what they may do.
// Letters are in Chinese: they go to Chinese employers and authorities.
package letter

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/laborbot/laborbot/calc"
)

// Kind is one of the three letters. The values are stored: never change
// one.
type Kind string

// The three letters of 一函两书.
const (
	// Reminder (提示函) warns an employer of a risk of breaking the law
	// and asks it to check itself and correct what it finds.
	Reminder Kind = "reminder"
	// Opinion (意见书) tells an employer what it does wrong, formally, and
	// asks it to correct it and answer in writing.
	Opinion Kind = "opinion"
	// Recommendation (建议书) asks the authority (labor inspection, the
	// local government) to deal with an employer that does not correct.
	Recommendation Kind = "recommendation"
)

// Kinds lists the letters in the order they are usually sent.
func Kinds() []Kind { return []Kind{Reminder, Opinion, Recommendation} }

// Valid reports whether k is one of Kinds.
func (k Kind) Valid() bool { return k == Reminder || k == Opinion || k == Recommendation }

// Label names the letter in lang ("zh" or "en").
func (k Kind) Label(lang string) string { return k.label().In(lang) }

func (k Kind) label() calc.Text {
	switch k {
	case Reminder:
		return calc.Text{Zh: "提示函", En: "Reminder letter"}
	case Opinion:
		return calc.Text{Zh: "意见书", En: "Opinion"}
	case Recommendation:
		return calc.Text{Zh: "建议书", En: "Recommendation"}
	}
	return calc.Text{Zh: string(k), En: string(k)}
}

// Union is the letterhead: the union that writes. Admins fill it in once.
// The JSON names are the stored format.
type Union struct {
	// Name is the union's full name, e.g. 成都市某某区总工会.
	Name string `json:"name"`
	// Unit is the body within it that signs, e.g. 劳动法律监督委员会
	// (may be empty).
	Unit     string `json:"unit,omitempty"`
	Address  string `json:"address,omitempty"`
	Postcode string `json:"postcode,omitempty"`
	Phone    string `json:"phone,omitempty"`
	// Contact is the person employers and authorities answer to.
	Contact   string    `json:"contact,omitempty"`
	UpdatedBy int64     `json:"updated_by,omitempty"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// Letter is an issued letter. The JSON names are the stored format.
type Letter struct {
	// ID is assigned by the store: 1, 2, … across all letters.
	ID     int64 `json:"id"`
	Ticket int64 `json:"ticket"`
	Kind   Kind  `json:"kind"`
	// Prefix, Year and Seq make the number (see Number); Seq is assigned
	// by the store, counting per kind and year from 1.
	Prefix    string `json:"prefix"`
	Year      int    `json:"year"`
	Seq       int    `json:"seq"`
	Title     string `json:"title"`
	Recipient string `json:"recipient"`
	// Body is the text as the mediator issued it: paragraphs separated by
	// line breaks. It names the employer and may name workers: the store
	// keeps it sealed with DATA_KEY.
	Body string `json:"body"`
	// Union is the letterhead as it was when the letter was issued.
	Union    Union     `json:"union"`
	IssuedBy int64     `json:"issued_by"`
	IssuedAt time.Time `json:"issued_at"`
}

// Number is the letter's number as printed: 成工提〔2026〕3号.
func (l Letter) Number() string {
	return l.Prefix + "〔" + strconv.Itoa(l.Year) + "〕" + strconv.Itoa(l.Seq) + "号"
}

// Document is a letter laid out for a page: what packages letter/pdf and
// letter/docx (and the console's HTML view) draw, in order.
type Document struct {
	// Letterhead is the union's name (and unit), printed large in red.
	Letterhead []string
	Number     string
	Title      string
	// Recipient is the salutation line, ending in a colon.
	Recipient  string
	Paragraphs []string
	// Signature and Date close the letter, on the right.
	Signature string
	Date      string
	// Footer is the contact lines under the letter.
	Footer []string
	// Name is a file name for downloads, without extension.
	Name string
}

// Document lays the letter out.
func (l Letter) Document() Document {
	d := Document{Number: l.Number(), Title: l.Title, Recipient: recipientLine(l.Recipient),
		Paragraphs: Paragraphs(l.Body), Date: ChineseDate(l.IssuedAt)}
	d.Letterhead = append(d.Letterhead, l.Union.Name)
	if l.Union.Unit != "" {
		d.Letterhead = append(d.Letterhead, l.Union.Unit)
	}
	d.Signature = l.Union.Name
	if l.Union.Unit != "" {
		d.Signature = l.Union.Name + l.Union.Unit
	}
	d.Footer = l.Union.footer()
	d.Name = fmt.Sprintf("%s-%d-%d-%s", l.Kind, l.Year, l.Seq, l.Kind.Label("zh"))
	return d
}

func (u Union) footer() []string {
	var out []string
	line := ""
	if u.Contact != "" {
		line = "联系人：" + u.Contact
	}
	if u.Phone != "" {
		if line != "" {
			line += "　　"
		}
		line += "联系电话：" + u.Phone
	}
	if line != "" {
		out = append(out, line)
	}
	if u.Address != "" {
		a := "地址：" + u.Address
		if u.Postcode != "" {
			a += "　　邮编：" + u.Postcode
		}
		out = append(out, a)
	}
	return out
}

func recipientLine(r string) string {
	if r == "" {
		return ""
	}
	switch r[len(r)-1] {
	case ':':
		return r[:len(r)-1] + "："
	}
	if len(r) >= 3 && r[len(r)-3:] == "：" {
		return r
	}
	return r + "："
}

// ChineseDate writes a date as official documents do: 2026年6月15日, in
// China's time zone.
func ChineseDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	y, m, d := t.In(china).Date()
	return fmt.Sprintf("%d年%d月%d日", y, int(m), d)
}

// china is the time zone of letters' dates (intake.Reporting's).
var china = time.FixedZone("CST", 8*3600)

// Errors.
var (
	// ErrNotFound is returned (wrapped) for a letter that does not exist.
	ErrNotFound = errors.New("letter: not found")
	// ErrNoLetterhead is returned by Issue while the union's details are
	// not filled in: a letter without a sender is no letter.
	ErrNoLetterhead = errors.New("letter: the union's letterhead is not set up")
	// ErrClosed is returned by Issue on a closed or withdrawn case.
	ErrClosed = errors.New("letter: the case is closed")
)

package dossier

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Format is the version of the dossier record this code writes. Records of
// an older format are upgraded when they are read.
const Format = 1

// Limits on what a volunteer can type, so that a record stays small.
const (
	MaxTextRunes  = 4000
	MaxAttachment = 60 // attachments per dossier
)

// Kinds of attachment.
const (
	KindPaper   = "paper"   // a photo or scan of one of the required papers
	KindConsent = "consent" // the photo of the signed consent form
	KindOther   = "other"
)

// Questions every dossier asks, by key into Dossier.Answers. The app
// holds their wording in its translations.
const (
	QuestionRequest = "request" // what the villager asks for, in their words
	QuestionResult  = "result"  // how they want to receive the result
	QuestionVNeID   = "vneid"   // whether they have a level-2 VNeID account
)

// Questions lists the question keys in the order they are asked.
var Questions = []string{QuestionRequest, QuestionResult, QuestionVNeID}

// Dossier is one villager's case. Dates are in the device's local time.
type Dossier struct {
	Format        int               `json:"format"`
	ID            string            `json:"id"`
	Procedure     string            `json:"procedure"` // catalogue code
	ProcedureName string            `json:"procedureName,omitempty"`
	Case          string            `json:"case,omitempty"` // name of the case (trường hợp)
	Created       time.Time         `json:"created"`
	Updated       time.Time         `json:"updated"`
	Villager      Person            `json:"villager"`
	Papers        []PaperCheck      `json:"papers,omitempty"`
	Answers       map[string]string `json:"answers,omitempty"`
	Attachments   []Attachment      `json:"attachments,omitempty"`
	Consent       Consent           `json:"consent"`
	Notes         string            `json:"notes,omitempty"`
}

// Person is the villager's identity as their papers give it.
type Person struct {
	FullName  string `json:"fullName"`
	BirthDate string `json:"birthDate,omitempty"` // YYYY-MM-DD
	Gender    string `json:"gender,omitempty"`    // "nam", "nữ" or empty
	IDNumber  string `json:"idNumber,omitempty"`  // 12-digit citizen ID (CCCD)
	Phone     string `json:"phone,omitempty"`
	Address   string `json:"address,omitempty"`
}

// Guardian acts for a villager under 18.
type Guardian struct {
	FullName string `json:"fullName"`
	IDNumber string `json:"idNumber,omitempty"`
	Relation string `json:"relation,omitempty"` // "cha", "mẹ", "người giám hộ"
	Phone    string `json:"phone,omitempty"`
}

// Consent records the villager's agreement to the processing of their
// personal data (Decree 13/2023/NĐ-CP).
type Consent struct {
	Given    bool      `json:"given"`
	At       time.Time `json:"at,omitzero"`
	Form     string    `json:"form,omitempty"` // ID of the attachment photographing the signed form
	Guardian *Guardian `json:"guardian,omitempty"`
}

// PaperCheck is one required paper of the case and whether the villager
// has it.
type PaperCheck struct {
	Name string `json:"name"`
	Have bool   `json:"have"`
}

// Attachment is a photo kept with the dossier, always a JPEG.
type Attachment struct {
	ID     string    `json:"id"`
	Kind   string    `json:"kind"`
	Paper  string    `json:"paper,omitempty"` // the paper it shows, for KindPaper
	Name   string    `json:"name"`            // the file name it came from
	Size   int64     `json:"size"`            // of the stored JPEG
	Width  int       `json:"width"`
	Height int       `json:"height"`
	SHA256 string    `json:"sha256"`
	Added  time.Time `json:"added"`
}

// Attachment returns the attachment with that ID.
func (d *Dossier) Attachment(id string) (Attachment, bool) {
	for _, a := range d.Attachments {
		if a.ID == id {
			return a, true
		}
	}
	return Attachment{}, false
}

// Missing returns the required papers the villager does not have.
func (d *Dossier) Missing() []string {
	var out []string
	for _, p := range d.Papers {
		if !p.Have {
			out = append(out, p.Name)
		}
	}
	return out
}

// Age is the villager's age in whole years on the given day, and false
// when the birth date is missing or malformed.
func (p Person) Age(on time.Time) (int, bool) {
	b, err := time.ParseInLocation(time.DateOnly, p.BirthDate, on.Location())
	if err != nil || b.After(on) {
		return 0, false
	}
	age := on.Year() - b.Year()
	if on.Month() < b.Month() || on.Month() == b.Month() && on.Day() < b.Day() {
		age--
	}
	return age, true
}

// Minor reports whether the villager was under 18 when the dossier was
// started.
func (d *Dossier) Minor() bool {
	age, ok := d.Villager.Age(d.Created)
	return ok && age < 18
}

// Problem is something that stops a dossier from being sealed.
type Problem string

// The problems Check reports.
const (
	NoCase          Problem = "case"
	NoName          Problem = "name"
	BadBirthDate    Problem = "birth-date"
	BadIDNumber     Problem = "id-number"
	NoConsent       Problem = "consent"
	NoConsentForm   Problem = "consent-form"
	NoGuardian      Problem = "guardian"
	BadGuardianID   Problem = "guardian-id-number"
	TextTooLong     Problem = "text-too-long"
	TooManyAttached Problem = "too-many-attachments"
	BadPhone        Problem = "phone"
)

// Problems lists every problem, for the catalogue of words.
var Problems = []Problem{NoCase, NoName, BadBirthDate, BadIDNumber, BadPhone, NoConsent, NoConsentForm, NoGuardian,
	BadGuardianID, TextTooLong, TooManyAttached}

// Check returns what stops the dossier from being sealed, in the order
// the volunteer meets the steps; none means it is complete.
func (d *Dossier) Check() []Problem {
	var out []Problem
	add := func(p Problem) { out = append(out, p) }
	if strings.TrimSpace(d.Case) == "" {
		add(NoCase)
	}
	v := d.Villager
	if Initials(v.FullName) == "" { // blank, or no letter at all
		add(NoName)
	}
	age, ok := v.Age(d.Created)
	if !ok {
		add(BadBirthDate)
	}
	// A citizen ID is issued at birth registration since 2024 but a child
	// under 14 need not carry the card: the number is required from 14.
	if v.IDNumber != "" && !ValidIDNumber(v.IDNumber) || v.IDNumber == "" && ok && age >= 14 {
		add(BadIDNumber)
	}
	if v.Phone != "" && !ValidPhone(v.Phone) {
		add(BadPhone)
	}
	if !d.Consent.Given {
		add(NoConsent)
	}
	if _, ok := d.Attachment(d.Consent.Form); !ok || d.Consent.Form == "" {
		add(NoConsentForm)
	}
	if d.Minor() {
		g := d.Consent.Guardian
		switch {
		case g == nil || strings.TrimSpace(g.FullName) == "":
			add(NoGuardian)
		case !ValidIDNumber(g.IDNumber):
			add(BadGuardianID)
		}
	}
	if d.tooLong() {
		add(TextTooLong)
	}
	if len(d.Attachments) > MaxAttachment {
		add(TooManyAttached)
	}
	return out
}

func (d *Dossier) tooLong() bool {
	texts := []string{d.Villager.FullName, d.Villager.Address, d.Villager.Phone, d.Notes}
	for _, a := range d.Answers {
		texts = append(texts, a)
	}
	if g := d.Consent.Guardian; g != nil {
		texts = append(texts, g.FullName, g.Relation, g.Phone)
	}
	for _, s := range texts {
		if len([]rune(s)) > MaxTextRunes {
			return true
		}
	}
	return false
}

// ValidIDNumber reports whether s is a 12-digit personal ID number.
func ValidIDNumber(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// ValidPhone reports whether s is a Vietnamese phone number: a mobile
// number of ten digits (03, 05, 07, 08 or 09, then eight digits) or a
// landline of eleven (02, then nine), with +84 or 84 allowed for the
// leading 0, and spaces, dots or dashes between the digits.
func ValidPhone(s string) bool {
	n := strings.Map(func(r rune) rune {
		if r == ' ' || r == '.' || r == '-' {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	switch {
	case strings.HasPrefix(n, "+84"):
		n = "0" + n[3:]
	case strings.HasPrefix(n, "84") && (len(n) == 11 || len(n) == 12):
		n = "0" + n[2:]
	}
	for _, r := range n {
		if r < '0' || r > '9' {
			return false
		}
	}
	switch {
	case len(n) == 10 && n[0] == '0':
		return strings.ContainsRune("35789", rune(n[1]))
	case len(n) == 11 && n[0] == '0':
		return n[1] == '2'
	}
	return false
}

// Initials are the first letters of a full name without their accents
// (Đ stays Đ), at most five: "Nguyễn Thị Ánh Tuyết" gives "NTAT". A name
// of more than five words keeps the first four and the last.
func Initials(fullName string) string {
	var letters []rune
	for _, w := range strings.Fields(fullName) {
		r := []rune(norm.NFD.String(w))
		for _, c := range r {
			if unicode.IsLetter(c) {
				letters = append(letters, unicode.ToUpper(c))
				break
			}
		}
	}
	if len(letters) > 5 {
		letters = append(letters[:4], letters[len(letters)-1])
	}
	return string(letters)
}

func (d *Dossier) upgrade() error {
	switch {
	case d.Format == Format:
		return nil
	case d.Format > Format:
		return fmt.Errorf("dossier %s: format %d is newer than this version of Đình reads (%d)", d.ID, d.Format, Format)
	}
	d.Format = Format
	return nil
}

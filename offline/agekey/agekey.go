// Package agekey holds the province's X25519 key pairs in the format of
// age (age-encryption.org): the central server's pair, which every
// dossier is sealed for, and the administrator's recovery pair, which can
// open a volunteer's vault and a sealed dossier when central's key is
// lost. A public key is written "age1…", a private key
// "AGE-SECRET-KEY-1…", each with a bech32 checksum, so the stock age and
// age-keygen tools read and make the same keys.
package agekey

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"filippo.io/age"
)

// ErrMalformed means a key given as text is not valid: a typo, a cut, or a
// private key where a public one is wanted (or the other way round).
var ErrMalformed = errors.New("agekey: malformed key")

// ErrIsPrivate is a private key given where its public key belongs.
var ErrIsPrivate = errors.New("agekey: a private key, where the public key belongs")

// Public is a key to seal or wrap for. It is not secret. The zero value
// is no key. Compare keys with Equal: == does not compile.
type Public struct {
	_ [0]func()
	r *age.X25519Recipient
}

// Private opens what was sealed for its Public. The zero value is no key.
type Private struct {
	_  [0]func()
	id *age.X25519Identity
}

// Generate makes a new key pair.
func Generate() (Public, Private, error) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return Public{}, Private{}, fmt.Errorf("agekey: generate: %w", err)
	}
	return Public{r: id.Recipient()}, Private{id: id}, nil
}

// IsZero reports whether k is no key.
func (k Public) IsZero() bool { return k.r == nil }

// IsZero reports whether k is no key.
func (k Private) IsZero() bool { return k.id == nil }

// String gives the key as age writes it, "age1…".
func (k Public) String() string {
	if k.r == nil {
		return ""
	}
	return k.r.String()
}

// Equal reports whether k and o are the same key.
func (k Public) Equal(o Public) bool { return k.String() == o.String() }

// Recipient is the key for age.Encrypt.
func (k Public) Recipient() age.Recipient { return k.r }

// String gives the key as age writes it, "AGE-SECRET-KEY-1…". It is the
// secret itself: do not log it.
func (k Private) String() string {
	if k.id == nil {
		return ""
	}
	return k.id.String()
}

// Public returns the public key that goes with k.
func (k Private) Public() Public {
	if k.id == nil {
		return Public{}
	}
	return Public{r: k.id.Recipient()}
}

// Identity is the key for age.Decrypt.
func (k Private) Identity() age.Identity { return k.id }

// File is the key as age-keygen writes a key file: a comment with the
// time and the public key, then the private key.
func (k Private) File(now time.Time) string {
	return fmt.Sprintf("# created: %s\n# public key: %s\n%s\n",
		now.UTC().Format(time.RFC3339), k.Public(), k)
}

const (
	publicPrefix  = "age1"
	privatePrefix = "AGE-SECRET-KEY-1"
)

// ParsePublic reads a public key. Spaces around it, and the comment lines
// of a key file ("# …"), are ignored.
func ParsePublic(s string) (Public, error) {
	line, err := oneLine(s)
	if err != nil {
		return Public{}, err
	}
	if strings.HasPrefix(strings.ToUpper(line), privatePrefix) {
		return Public{}, fmt.Errorf("%w: this is a private key, not the public key (age1…)", ErrMalformed)
	}
	r, err := age.ParseX25519Recipient(line)
	if err != nil {
		return Public{}, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return Public{r: r}, nil
}

// ParsePrivate reads a private key, alone or as the content of a key file
// that age-keygen or File wrote.
func ParsePrivate(s string) (Private, error) {
	line, err := oneLine(s)
	if err != nil {
		return Private{}, err
	}
	if strings.HasPrefix(strings.ToLower(line), publicPrefix) {
		return Private{}, fmt.Errorf("%w: this is a public key, not the private key (AGE-SECRET-KEY-1…)", ErrMalformed)
	}
	id, err := age.ParseX25519Identity(line)
	if err != nil {
		return Private{}, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return Private{id: id}, nil
}

// oneLine returns the one line of s that is neither blank nor a comment.
func oneLine(s string) (string, error) {
	var found []string
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line != "" && !strings.HasPrefix(line, "#") {
			found = append(found, line)
		}
	}
	switch {
	case sc.Err() != nil:
		return "", fmt.Errorf("%w: %w", ErrMalformed, sc.Err())
	case len(found) == 0:
		return "", fmt.Errorf("%w: empty", ErrMalformed)
	case len(found) > 1:
		return "", fmt.Errorf("%w: %d keys where one is wanted", ErrMalformed, len(found))
	}
	return found[0], nil
}

// ReadPublic reads a public key as an administrator gives it on a command
// line: inline, or as the path of a file that holds it. The private key of
// a pair is refused with ErrIsPrivate; an argument that looks like a path
// (a key holds no slash, backslash or dot) and cannot be read is refused
// with the file's error.
func ReadPublic(arg string) (Public, error) {
	text := arg
	b, fileErr := os.ReadFile(arg)
	if fileErr == nil {
		text = string(b)
	}
	text = strings.TrimSpace(text)
	k, err := ParsePublic(text)
	if err == nil {
		return k, nil
	}
	if _, perr := ParsePrivate(text); perr == nil {
		return Public{}, ErrIsPrivate
	}
	if fileErr != nil && strings.ContainsAny(arg, `/\.`) {
		return Public{}, fileErr
	}
	return Public{}, err
}

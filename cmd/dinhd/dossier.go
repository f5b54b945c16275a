package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"dinh/offline/catalog"
	"dinh/offline/dossier"
	"dinh/offline/outbox"
	"dinh/offline/photo"
	"dinh/offline/seal"
	"dinh/offline/store"
	"dinh/offline/vault"
	"dinh/offline/volunteer"
)

const dossierUsage = `Usage:
  dinhd dossier keygen --out DIR [--lang vi|en]
  dinhd dossier init --central KEY --recovery KEY [--data DIR] [--passphrase-file FILE] [--lang vi|en]
  dinhd dossier new --procedure CODE [--case N] --name NAME [--birth YYYY-MM-DD]
        [--id-number N] [--phone P] [--address A] [--request TEXT] [--notes TEXT]
        [--have PAPER]... [--attach FILE]... [--paper NAME]
        [--consent --consent-form FILE] [--guardian NAME --guardian-id N --guardian-relation R]
        [--catalog FILE] [--data DIR] [--passphrase-file FILE] [--lang vi|en]
  dinhd dossier list [--data DIR] [--json] [--lang vi|en]
  dinhd dossier seal ID [--data DIR] [--passphrase-file FILE] [--lang vi|en]
  dinhd dossier join … | sync …   (see dinhd central --help)

keygen writes a central server key pair (central.key, central.pub) and an
       administrator's recovery key pair (recovery.key, recovery.pub).
init   sets this device up for a community team: the volunteer's passphrase
       and the administrator's two public keys.
new    records a villager's case as a draft, encrypted at rest, and prints
       its ID and what is still missing before it can be sealed. If a file
       given with --attach or --consent-form cannot be attached, no draft
       is kept.
list   prints every dossier and its state; it needs no passphrase.
seal   seals a complete draft for the central server and puts it in the
       outbox; the device cannot read it afterwards.

The passphrase is read from --passphrase-file, or from standard input when
it is absent or "-". It is never taken as an argument.
`

func dossierCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return dispatch(ctx, args, stdout, stderr, dossierUsage, []subcommand{
		{"keygen", noContext(dossierKeygen)},
		{"init", noContext(dossierInit)},
		{"new", dossierNew},
		{"list", noContext(dossierList)},
		{"seal", dossierSeal},
		{"join", noContext(dossierJoin)},
		{"sync", dossierSync},
	})
}

// dossierMessages holds what the dossier commands say to a volunteer, in
// Vietnamese first, like catalogMessages.
var dossierMessages = map[string]map[string]string{
	"vi": {
		"timeFormat":    "15:04 02/01/2006",
		"keyExists":     "%s đã có: khóa không bao giờ bị ghi đè, hãy chọn thư mục khác cho --out",
		"keySecret":     "Giữ kín central.key (cho máy chủ trung tâm) và recovery.key (cho quản trị viên). Máy của tình nguyện viên chỉ cần central.pub và recovery.pub.",
		"keyIsPrivate":  "%s: đây là khóa bí mật, không được đưa vào máy tình nguyện viên; hãy dùng khóa công khai (tệp .pub)",
		"keyFile":       "%s: không đọc được tệp khóa: %v",
		"keyBad":        "%s: khóa không hợp lệ (gõ nhầm, hoặc nhầm loại khóa): %v",
		"noPassphrase":  "chưa có mật khẩu: hãy nhập ở đầu vào chuẩn (stdin) hoặc dùng --passphrase-file TỆP",
		"passFile":      "không đọc được tệp mật khẩu: %v",
		"passFlag":      "Mật khẩu không bao giờ được nhận qua tham số dòng lệnh (sẽ lộ trong lịch sử lệnh): hãy dùng --passphrase-file TỆP hoặc nhập ở đầu vào chuẩn.",
		"wrongPass":     "sai mật khẩu; không có gì bị thay đổi",
		"backoff":       "đã nhập sai mật khẩu quá nhiều lần: hãy thử lại sau %s",
		"weakPass":      "mật khẩu quá ngắn: cần ít nhất %d ký tự",
		"notSetUp":      "thư mục %s chưa được thiết lập cho đội công nghệ số: hãy chạy «dinhd dossier init» trước",
		"setUp":         "thư mục %s đã được thiết lập rồi; không thiết lập lại để khỏi mất hồ sơ (dùng --data để chọn thư mục khác)",
		"inUse":         "thư mục %s đang được một Đình khác dùng (ứng dụng Đình đang mở?)",
		"diskFull":      "ổ đĩa đã đầy: %v",
		"noProcedure":   "không có thủ tục %s trong danh mục; tìm mã thủ tục bằng: dinhd catalog search TỪ KHÓA",
		"badCase":       "--case phải từ 1 đến %d; các trường hợp của thủ tục %s:%s",
		"notPaper":      "%s %q không phải giấy tờ của trường hợp này; các giấy tờ là:%s",
		"guardianOnly":  "--guardian-id và --guardian-relation cần đi kèm --guardian HỌ_TÊN",
		"nameLetters":   "--name %q không có chữ cái nào: hãy nhập họ tên người dân",
		"damaged":       "hộp thư đi có hồ sơ bị hỏng, không đọc được (%v). Đừng xóa thư mục dữ liệu: hồ sơ đã niêm phong có thể chưa được gửi; hãy báo quản trị viên",
		"noFile":        "không tìm thấy tệp %s",
		"progress":      "ảnh %d/%d",
		"attachFailed":  "không đính kèm được %s: %s",
		"notKept":       "chưa lưu hồ sơ vì %d tệp không đính kèm được; hãy sửa rồi chạy lại lệnh",
		"notDiscarded":  "bản nháp dở dang %s chưa xóa được: %v",
		"missing":       "còn thiếu: %s",
		"noDossiers":    "Chưa có hồ sơ nào.",
		"badID":         "%q không phải mã hồ sơ; xem mã hồ sơ bằng «dinhd dossier list»",
		"oneID":         "hãy đưa đúng một mã hồ sơ",
		"noDraft":       "không có bản nháp %s; xem danh sách bằng «dinhd dossier list»",
		"sealed":        "hồ sơ %s đã được niêm phong: máy này không đọc hay sửa được nữa",
		"incompleteHdr": "Hồ sơ %s chưa đủ để niêm phong:",
		"incomplete":    "chưa niêm phong: hồ sơ còn thiếu %d mục",
		"notImage":      "không phải ảnh JPEG, PNG, GIF, BMP hay TIFF",
		"tooLarge":      "tệp quá lớn",
		"truncated":     "tệp ảnh không đầy đủ (chép hoặc tải chưa xong?)",
		"tooManyPixels": "ảnh có quá nhiều điểm ảnh",
		"corrupt":       "ảnh bị hỏng, không đọc được",
		"gone":          "không tìm thấy tệp",
	},
	"en": {
		"timeFormat":    "2006-01-02 15:04",
		"keyExists":     "%s exists: keys are never overwritten, choose another --out folder",
		"keySecret":     "Keep central.key (for the central server) and recovery.key (for the administrator) secret. A volunteer's device needs only central.pub and recovery.pub.",
		"keyIsPrivate":  "%s: this is a private key, which must never go on a volunteer's device; give the public key (the .pub file)",
		"keyFile":       "%s: cannot read the key file: %v",
		"keyBad":        "%s: not a valid key (a typo, or the wrong kind of key): %v",
		"noPassphrase":  "no passphrase: type it on standard input or give --passphrase-file FILE",
		"passFile":      "cannot read the passphrase file: %v",
		"passFlag":      "The passphrase is never taken as an argument (it would stay in the shell history): give --passphrase-file FILE or type it on standard input.",
		"wrongPass":     "wrong passphrase; nothing was changed",
		"backoff":       "too many wrong passphrases: try again after %s",
		"weakPass":      "the passphrase is too short: it needs at least %d characters",
		"notSetUp":      "the folder %s is not set up for a community team yet: run «dinhd dossier init» first",
		"setUp":         "the folder %s is already set up; it is not set up again, so that no dossier is lost (choose another folder with --data)",
		"inUse":         "the folder %s is in use by another running Đình (is the app open?)",
		"diskFull":      "the disk is full: %v",
		"noProcedure":   "no procedure %s in the catalogue; find its code with: dinhd catalog search WORDS",
		"badCase":       "--case must be 1 to %d; the cases of procedure %s are:%s",
		"notPaper":      "%s %q is not a paper of this case; its papers are:%s",
		"guardianOnly":  "--guardian-id and --guardian-relation need --guardian NAME",
		"nameLetters":   "--name %q has no letter: give the villager's full name",
		"damaged":       "the outbox holds a damaged dossier entry that cannot be read (%v). Do not delete the data folder: sealed dossiers may not have been sent yet; tell the administrator",
		"noFile":        "no such file: %s",
		"progress":      "photo %d/%d",
		"attachFailed":  "cannot attach %s: %s",
		"notKept":       "no dossier was kept because %d file(s) could not be attached; fix them and run the command again",
		"notDiscarded":  "the unfinished draft %s could not be deleted: %v",
		"missing":       "still missing: %s",
		"noDossiers":    "No dossier yet.",
		"badID":         "%q is not a dossier ID; see the IDs with «dinhd dossier list»",
		"oneID":         "give one dossier ID",
		"noDraft":       "no draft %s; see the list with «dinhd dossier list»",
		"sealed":        "dossier %s is sealed: this device can no longer read or change it",
		"incompleteHdr": "Dossier %s cannot be sealed yet:",
		"incomplete":    "not sealed: %d item(s) missing",
		"notImage":      "not a JPEG, PNG, GIF, BMP or TIFF image",
		"tooLarge":      "the file is too large",
		"truncated":     "the image file is incomplete (copy or download not finished?)",
		"tooManyPixels": "the image has too many pixels",
		"corrupt":       "the image is damaged and cannot be read",
		"gone":          "no such file",
	},
}

// dmsg formats one of dossierMessages.
func dmsg(lang, key string, args ...any) string {
	m, ok := dossierMessages[lang]
	if !ok {
		m = dossierMessages["vi"]
	}
	return fmt.Sprintf(m[key], args...)
}

// userError is a sentence for the volunteer that keeps the error it
// explains for errors.Is.
type userError struct {
	msg string
	err error
}

func (e userError) Error() string { return e.msg }
func (e userError) Unwrap() error { return e.err }

// explain turns the errors a volunteer may meet into sentences saying what
// to do; others are returned as they are.
func explain(err error, lang, data string) error {
	var be *vault.BackoffError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &be):
		m := dmsg(lang, "backoff", be.Until.Local().Format(dmsg(lang, "timeFormat")))
		if errors.Is(err, vault.ErrWrongPassphrase) {
			m = dmsg(lang, "wrongPass") + "; " + m
		}
		return userError{m, err}
	case errors.Is(err, vault.ErrWrongPassphrase):
		return userError{dmsg(lang, "wrongPass"), err}
	case errors.Is(err, vault.ErrWeakPassphrase):
		return userError{dmsg(lang, "weakPass", vault.MinPassphraseRunes), err}
	case errors.Is(err, volunteer.ErrNotSetUp):
		return userError{dmsg(lang, "notSetUp", data), err}
	case errors.Is(err, vault.ErrExists):
		return userError{dmsg(lang, "setUp", data), err}
	case errors.Is(err, store.ErrLocked):
		return userError{dmsg(lang, "inUse", data), err}
	case errors.Is(err, dossier.ErrDiskFull):
		return userError{dmsg(lang, "diskFull", err), err}
	case errors.Is(err, outbox.ErrCorrupt):
		return userError{dmsg(lang, "damaged", err), err}
	}
	return err
}

// repeated collects a repeated flag.
type repeated []string

func (f *repeated) String() string     { return strings.Join(*f, ", ") }
func (f *repeated) Set(s string) error { *f = append(*f, s); return nil }

func dataFlag(fs *flag.FlagSet) *string {
	return fs.String("data", defaultData("volunteer"), "the volunteer's data folder")
}

// parseFlags parses args and checks --lang. Someone who tries to give the
// passphrase as an argument is told why that is refused; the value they
// gave is not repeated.
func parseFlags(fs *flag.FlagSet, args []string, lang *string) error {
	if err := fs.Parse(args); err != nil {
		return flagError(err, *lang)
	}
	return checkLang(*lang)
}

func flagError(err error, lang string) error {
	if strings.HasSuffix(err.Error(), "not defined: -passphrase") {
		return usageError{fmt.Errorf("%w\n%s", err, dmsg(lang, "passFlag"))}
	}
	return usageError{err}
}

// readPassphrase reads the first line of the file, or of stdin for "" or
// "-".
func readPassphrase(file, lang string) ([]byte, error) {
	var r io.Reader = os.Stdin
	if file != "" && file != "-" {
		f, err := os.Open(file)
		if err != nil {
			return nil, userError{dmsg(lang, "passFile", err), err}
		}
		defer f.Close()
		r = f
	}
	line, err := bufio.NewReader(io.LimitReader(r, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read passphrase: %w", err)
	}
	// Notepad starts a UTF-8 file with a byte order mark: it is not part
	// of what the volunteer typed.
	line = strings.TrimPrefix(line, "\ufeff")
	if strings.TrimSpace(line) == "" {
		return nil, usageError{errors.New(dmsg(lang, "noPassphrase"))}
	}
	return volunteer.Passphrase(line), nil
}

// openUnlocked opens the data folder and unlocks it. A folder that is not
// set up is refused before the passphrase is asked for, and the folder is
// opened (locking out the app) only once it has been given.
func openUnlocked(data, passFile, lang string) (*volunteer.Workspace, error) {
	if !volunteer.IsSetUp(data) {
		return nil, volunteer.ErrNotSetUp
	}
	pass, err := readPassphrase(passFile, lang)
	if err != nil {
		return nil, err
	}
	defer clear(pass)
	w, err := volunteer.Open(data, vault.Options{IdleTimeout: -1})
	if err != nil {
		return nil, err
	}
	if err := w.Vault.Unlock(pass); err != nil {
		w.Close()
		return nil, err
	}
	return w, nil
}

// keyFiles are the files keygen writes, in the order it prints them.
var keyFiles = []string{"central.pub", "central.key", "recovery.pub", "recovery.key"}

func dossierKeygen(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("dossier keygen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "folder for the four key files")
	lang := langFlag(fs)
	if err := parseFlags(fs, args, lang); err != nil {
		return err
	}
	if *out == "" {
		return usageError{errors.New("--out is required")}
	}
	// Refuse before writing anything: a new half of a key pair beside an
	// old half would not match it.
	for _, name := range keyFiles {
		path := filepath.Join(*out, name)
		if _, err := os.Lstat(path); err == nil {
			return errors.New(dmsg(*lang, "keyExists", path))
		} else if !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	cpub, cpriv, err := seal.GenerateCentralKey()
	if err != nil {
		return err
	}
	rpub, rpriv, err := vault.GenerateRecoveryKey()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o700); err != nil {
		return err
	}
	values := []string{cpub.String(), cpriv.String(), rpub.String(), rpriv.String()}
	var written []string
	for i, name := range keyFiles {
		path := filepath.Join(*out, name)
		if err := writeNewFile(path, values[i]+"\n"); err != nil {
			for _, p := range written {
				os.Remove(p)
			}
			if errors.Is(err, os.ErrExist) {
				return errors.New(dmsg(*lang, "keyExists", path))
			}
			return err
		}
		written = append(written, path)
	}
	for _, p := range written {
		fmt.Fprintln(stdout, p)
	}
	fmt.Fprintln(stderr, dmsg(*lang, "keySecret"))
	return nil
}

// writeNewFile writes a file that must not exist yet, synced to disk.
func writeNewFile(path, content string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = f.WriteString(content)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}

// keyArg is a key given inline or as a file holding it; fileErr is why it
// could not be read as a file.
func keyArg(s string) (key string, fileErr error) {
	b, err := os.ReadFile(s)
	if err == nil {
		return strings.TrimSpace(string(b)), nil
	}
	return strings.TrimSpace(s), err
}

// parsePublicKey reads the public key given to the flag called name. It
// recognises the private key of the pair, which does not belong on a
// volunteer's device, and a key file that cannot be read.
func parsePublicKey[K any](name, arg, lang string, parse func(string) (K, error), private func(string) error) (K, error) {
	text, fileErr := keyArg(arg)
	k, err := parse(text)
	switch {
	case err == nil:
		return k, nil
	case private(text) == nil:
		return k, usageError{errors.New(dmsg(lang, "keyIsPrivate", name))}
	case fileErr != nil && strings.ContainsAny(arg, `/\.`): // a key has neither
		return k, usageError{errors.New(dmsg(lang, "keyFile", name, fileErr))}
	}
	return k, usageError{errors.New(dmsg(lang, "keyBad", name, err))}
}

func dossierInit(args []string, stdout, stderr io.Writer) (err error) {
	fs := flag.NewFlagSet("dossier init", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := dataFlag(fs)
	central := fs.String("central", "", "the central server's public key, or a file holding it")
	recovery := fs.String("recovery", "", "the administrator's recovery public key, or a file holding it")
	passFile := fs.String("passphrase-file", "", "file whose first line is the passphrase (default: standard input)")
	lang := langFlag(fs)
	defer func() { err = explain(err, *lang, *data) }()
	if err := parseFlags(fs, args, lang); err != nil {
		return err
	}
	if *central == "" || *recovery == "" {
		return usageError{errors.New("--central and --recovery are required")}
	}
	var s volunteer.Setup
	if s.Central, err = parsePublicKey("--central", *central, *lang, seal.ParseCentralPublicKey,
		func(k string) error { _, err := seal.ParseCentralPrivateKey(k); return err }); err != nil {
		return err
	}
	if s.Recovery, err = parsePublicKey("--recovery", *recovery, *lang, vault.ParseRecoveryPublicKey,
		func(k string) error { _, err := vault.ParseRecoveryPrivateKey(k); return err }); err != nil {
		return err
	}
	if volunteer.IsSetUp(*data) { // before asking for the passphrase
		return vault.ErrExists
	}
	pass, err := readPassphrase(*passFile, *lang)
	if err != nil {
		return err
	}
	defer clear(pass)
	if utf8.RuneCount(pass) < vault.MinPassphraseRunes { // before the folder is made
		return vault.ErrWeakPassphrase
	}
	w, err := volunteer.Init(*data, pass, s, vault.Options{IdleTimeout: -1})
	if err != nil {
		return err
	}
	defer w.Close()
	fmt.Fprintln(stdout, "OK:", *data)
	return nil
}

// nfc normalises what was typed, so that a name typed with combining
// accents is stored as the same text as one typed with precomposed letters.
func nfc(ps ...*string) {
	for _, p := range ps {
		*p = norm.NFC.String(strings.TrimSpace(*p))
	}
}

func dossierNew(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	fs := flag.NewFlagSet("dossier new", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := dataFlag(fs)
	passFile := fs.String("passphrase-file", "", "file whose first line is the passphrase (default: standard input)")
	catFile := fs.String("catalog", "", "catalogue file (default: the bundled sample)")
	code := fs.String("procedure", "", "procedure code, e.g. 1.001193")
	caseN := fs.Int("case", 1, "which case of the procedure, counting from 1")
	var p dossier.Person
	fs.StringVar(&p.FullName, "name", "", "the villager's full name")
	fs.StringVar(&p.BirthDate, "birth", "", "date of birth, YYYY-MM-DD")
	fs.StringVar(&p.Gender, "gender", "", "nam or nữ")
	fs.StringVar(&p.IDNumber, "id-number", "", "12-digit personal ID number")
	fs.StringVar(&p.Phone, "phone", "", "phone number")
	fs.StringVar(&p.Address, "address", "", "address")
	request := fs.String("request", "", "what the villager asks for")
	notes := fs.String("notes", "", "the volunteer's notes")
	consent := fs.Bool("consent", false, "the villager consented to the processing of their data")
	consentForm := fs.String("consent-form", "", "photo of the signed consent form")
	var g dossier.Guardian
	fs.StringVar(&g.FullName, "guardian", "", "guardian's full name, for a villager under 18")
	fs.StringVar(&g.IDNumber, "guardian-id", "", "guardian's personal ID number")
	fs.StringVar(&g.Relation, "guardian-relation", "", "cha, mẹ, người giám hộ")
	var have, attach repeated
	fs.Var(&have, "have", "a required paper the villager has (repeatable)")
	fs.Var(&attach, "attach", "photo or scan of a paper (repeatable)")
	paper := fs.String("paper", "", "the paper the --attach photos show")
	lang := langFlag(fs)
	defer func() { err = explain(err, *lang, *data) }()
	if err := parseFlags(fs, args, lang); err != nil {
		return err
	}
	if *code == "" {
		return usageError{errors.New("--procedure is required")}
	}
	cat := catalog.Sample()
	if *catFile != "" {
		if cat, err = catalog.Load(*catFile); err != nil {
			return err
		}
	}
	var proc *catalog.Procedure
	for i := range cat.Procedures {
		if cat.Procedures[i].Code == strings.TrimSpace(*code) {
			proc = &cat.Procedures[i]
		}
	}
	if proc == nil {
		return usageError{errors.New(dmsg(*lang, "noProcedure", *code))}
	}
	if *caseN < 1 || *caseN > len(proc.Cases) {
		var cases strings.Builder
		for i, c := range proc.Cases {
			fmt.Fprintf(&cases, "\n  %d. %s", i+1, c.Name)
		}
		return usageError{errors.New(dmsg(*lang, "badCase", len(proc.Cases), proc.Code, cases.String()))}
	}
	c := proc.Cases[*caseN-1]
	var papers []string
	var list strings.Builder
	for _, pp := range c.Papers {
		papers = append(papers, pp.Name)
		list.WriteString("\n  " + pp.Name)
	}
	nfc(&p.FullName, &p.BirthDate, &p.Gender, &p.IDNumber, &p.Phone, &p.Address, request, notes,
		&g.FullName, &g.IDNumber, &g.Relation, paper)
	for i := range have {
		nfc(&have[i])
		if !slices.Contains(papers, have[i]) {
			return usageError{errors.New(dmsg(*lang, "notPaper", "--have", have[i], list.String()))}
		}
	}
	if *paper != "" && !slices.Contains(papers, *paper) {
		return usageError{errors.New(dmsg(*lang, "notPaper", "--paper", *paper, list.String()))}
	}
	// Sealing records the initials, which need a letter; a name without
	// one would pass Check and fail only then.
	if p.FullName != "" && dossier.Initials(p.FullName) == "" {
		return usageError{errors.New(dmsg(*lang, "nameLetters", p.FullName))}
	}
	if g.FullName == "" && (g.IDNumber != "" || g.Relation != "") {
		return usageError{errors.New(dmsg(*lang, "guardianOnly"))}
	}
	// A mistyped path is caught before the passphrase is asked for.
	for _, f := range append(slices.Clone(attach), *consentForm) {
		if _, err := os.Stat(f); f != "" && errors.Is(err, os.ErrNotExist) {
			return usageError{errors.New(dmsg(*lang, "noFile", f))}
		}
	}
	w, err := openUnlocked(*data, *passFile, *lang)
	if err != nil {
		return err
	}
	defer w.Close()
	d, err := w.Desk.Create(proc.Code, proc.Name, c.Name, papers)
	if err != nil {
		return err
	}
	// Everything is kept or nothing: the command line has no way to add
	// to a draft later.
	id, kept := d.ID, false
	defer func() {
		if !kept {
			if derr := w.Desk.Discard(id); derr != nil {
				err = errors.Join(err, errors.New(dmsg(*lang, "notDiscarded", id, derr)))
			}
		}
	}()
	d.Villager = p
	if *request != "" {
		d.Answers[dossier.QuestionRequest] = *request
	}
	d.Notes = *notes
	for i := range d.Papers {
		d.Papers[i].Have = slices.Contains(have, d.Papers[i].Name)
	}
	if *consent {
		d.Consent.Given, d.Consent.At = true, time.Now()
	}
	if g.FullName != "" {
		d.Consent.Guardian = &g
	}
	if err := w.Desk.Save(d); err != nil {
		return err
	}
	failed := 0
	attachAll := func(kind, paper string, paths []string) error {
		if len(paths) == 0 {
			return nil
		}
		res, err := w.Desk.Attach(ctx, id, kind, paper, paths, func(done, total int) {
			fmt.Fprintln(stderr, dmsg(*lang, "progress", done, total))
		})
		for _, r := range res {
			if r.Err != nil {
				failed++
				fmt.Fprintln(stderr, dmsg(*lang, "attachFailed", r.Path, photoReason(r.Err, r.Path, *lang)))
			}
		}
		return err
	}
	if err := attachAll(dossier.KindPaper, *paper, attach); err != nil {
		return err
	}
	if *consentForm != "" {
		if err := attachAll(dossier.KindConsent, "", []string{*consentForm}); err != nil {
			return err
		}
	}
	if failed > 0 {
		return errors.New(dmsg(*lang, "notKept", failed))
	}
	if d, err = w.Desk.Load(id); err != nil {
		return err
	}
	kept = true
	fmt.Fprintln(stdout, id)
	for _, pr := range d.Check() {
		fmt.Fprintln(stderr, dmsg(*lang, "missing", pr.Label(*lang)))
	}
	return nil
}

// photoReason says why a file could not be attached, without repeating
// its path.
func photoReason(err error, path, lang string) string {
	detail := strings.ReplaceAll(err.Error(), path+": ", "")
	for _, r := range []struct {
		err error
		key string
	}{
		{photo.ErrNotImage, "notImage"}, {photo.ErrTooLarge, "tooLarge"}, {photo.ErrTruncated, "truncated"},
		{photo.ErrTooManyPixels, "tooManyPixels"}, {photo.ErrCorrupt, "corrupt"}, {os.ErrNotExist, "gone"},
	} {
		if errors.Is(err, r.err) {
			return dmsg(lang, r.key) + " (" + detail + ")"
		}
	}
	return detail
}

func dossierList(args []string, stdout, stderr io.Writer) (err error) {
	fs := flag.NewFlagSet("dossier list", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := dataFlag(fs)
	asJSON := fs.Bool("json", false, "print the outbox entries as JSON")
	lang := langFlag(fs)
	defer func() { err = explain(err, *lang, *data) }()
	if err := parseFlags(fs, args, lang); err != nil {
		return err
	}
	w, err := volunteer.Open(*data, vault.Options{IdleTimeout: -1})
	if err != nil {
		return err
	}
	defer w.Close()
	list, err := w.Desk.List()
	if err != nil {
		return err
	}
	if *asJSON {
		if list == nil {
			list = []outbox.Entry{}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(list)
	}
	if len(list) == 0 {
		fmt.Fprintln(stdout, dmsg(*lang, "noDossiers"))
	}
	for _, e := range list {
		initials := e.Initials
		if initials == "" {
			initials = "—"
		}
		fmt.Fprintf(stdout, "%s  %-10s  %-5s  %s  %s\n", e.ID, e.Procedure, initials, e.Created.Local().Format("2006-01-02 15:04"), e.State.Label(*lang))
	}
	return nil
}

// validDossierID accepts what the outbox accepts as a dossier ID: 1 to 64
// letters, digits, - or _. Nothing else can name a dossier, and a path
// such as ../x never reaches the store or the file system.
func validDossierID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

func dossierSeal(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	fs := flag.NewFlagSet("dossier seal", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := dataFlag(fs)
	passFile := fs.String("passphrase-file", "", "file whose first line is the passphrase (default: standard input)")
	lang := langFlag(fs)
	defer func() { err = explain(err, *lang, *data) }()
	ids, err := parseInterspersed(fs, args)
	if err != nil {
		return flagError(err, *lang)
	}
	if err := checkLang(*lang); err != nil {
		return err
	}
	if len(ids) != 1 {
		return usageError{errors.New(dmsg(*lang, "oneID"))}
	}
	id := ids[0]
	if !validDossierID(id) {
		return usageError{errors.New(dmsg(*lang, "badID", id))}
	}
	w, err := openUnlocked(*data, *passFile, *lang)
	if err != nil {
		return err
	}
	defer w.Close()
	e, err := w.Desk.Seal(ctx, id, nil)
	var inc *dossier.IncompleteError
	switch {
	case errors.As(err, &inc):
		fmt.Fprintln(stderr, dmsg(*lang, "incompleteHdr", id))
		for _, p := range inc.Problems {
			fmt.Fprintln(stderr, "-", p.Label(*lang))
		}
		return userError{dmsg(*lang, "incomplete", len(inc.Problems)), err}
	case errors.Is(err, dossier.ErrNotFound):
		return userError{dmsg(*lang, "noDraft", id), err}
	case errors.Is(err, dossier.ErrSealed):
		return userError{dmsg(*lang, "sealed", id), err}
	case err != nil:
		return err
	}
	fmt.Fprintf(stdout, "%s  %s  %s\n", e.ID, e.State.Label(*lang), filepath.Join(w.Dir, "outbox", e.SealedPath))
	return nil
}

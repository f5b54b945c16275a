package volunteer

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"golang.org/x/text/unicode/norm"

	"dinh/offline/catalog"
	"dinh/offline/dossier"
)

// TestIntakeCheck: every refusal is found before anything is written, and
// names what was wrong and what could have been chosen.
func TestIntakeCheck(t *testing.T) {
	cat := catalog.Sample()
	ok := func() Intake {
		return Intake{Procedure: "1.001193", Case: 1, Villager: dossier.Person{FullName: "Lường Văn Sáng"}}
	}
	tests := []struct {
		name    string
		edit    func(in *Intake)
		problem string
		value   string
		choices int
	}{
		{"no such procedure", func(in *Intake) { in.Procedure = "9.999999" }, NoProcedure, "9.999999", 0},
		{"case 0", func(in *Intake) { in.Case = 0 }, BadCase, "0", 2},
		{"case past the last", func(in *Intake) { in.Case = 3 }, BadCase, "3", 2},
		{"a paper of another case", func(in *Intake) { in.Have = []string{"Giấy xác nhận tình trạng hôn nhân"} }, NotPaper, "Giấy xác nhận tình trạng hôn nhân", 4},
		{"attached to no paper of the case", func(in *Intake) { in.Paper = "Sổ hộ khẩu" }, NotPaper, "Sổ hộ khẩu", 4},
		{"a name without letters", func(in *Intake) { in.Villager.FullName = "123 456" }, NameLetters, "123 456", 0},
		{"a guardian without a name", func(in *Intake) { in.Guardian.Relation = "mẹ" }, GuardianOnly, "", 0},
		{"a missing photo", func(in *Intake) { in.Attach = []string{"/no/such/photo.jpg"} }, NoFile, "/no/such/photo.jpg", 0},
		{"a missing consent form", func(in *Intake) { in.ConsentForm = "/no/such/form.jpg" }, NoFile, "/no/such/form.jpg", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := ok()
			tt.edit(&in)
			_, _, err := in.Check(cat)
			ie, isIntake := errors.AsType[*IntakeError](err)
			if !isIntake || ie.Problem != tt.problem || ie.Value != tt.value || len(ie.Choices) != tt.choices {
				t.Fatalf("got %v (%+v), want %s of %q with %d choices", err, ie, tt.problem, tt.value, tt.choices)
			}
		})
	}
	// A paper typed with combining accents is the same paper.
	in := ok()
	in.Have = []string{norm.NFD.String(" Giấy chứng sinh ")}
	if _, pc, err := in.Check(cat); err != nil || !slices.ContainsFunc(pc.Papers, func(p catalog.Paper) bool { return p.Name == in.Have[0] }) {
		t.Fatalf("a paper in NFD: %v, normalised to %q", err, in.Have[0])
	}
}

// TestNewDossierKeepsAllOrNothing: an intake with one file that is not a
// photo keeps nothing, and says which file; a good one is kept whole.
func TestNewDossierKeepsAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	w, err := Init(dir, Passphrase("mật khẩu thử nghiệm"), setup(t), fast)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	notPhoto := filepath.Join(t.TempDir(), "ghi-chu.jpg")
	writeFile(t, notPhoto, "not a photo")
	in := Intake{Procedure: "1.001193", Case: 1, Villager: dossier.Person{FullName: "Lường Văn Sáng"}, Attach: []string{notPhoto}}
	proc, pc, err := in.Check(catalog.Sample())
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.NewDossier(t.Context(), in, proc, pc, nil)
	na, ok := errors.AsType[*NotAttachedError](err)
	if !ok || len(na.Failed) != 1 || na.Failed[0].Path != notPhoto || na.Discard != nil {
		t.Fatalf("got %v, want the one file that is not a photo", err)
	}
	if list, _ := w.Desk.List(); len(list) != 0 {
		t.Fatalf("got %d dossiers kept, want none", len(list))
	}

	in.Attach, in.Request = nil, "Xin khai sinh cho con"
	d, err := w.NewDossier(t.Context(), in, proc, pc, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := w.Desk.Load(d.ID); err != nil || got.Villager.FullName != "Lường Văn Sáng" || got.Answers[dossier.QuestionRequest] != in.Request {
		t.Fatalf("kept %+v, %v", got, err)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

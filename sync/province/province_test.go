package province_test

import (
	"errors"
	"os/exec"
	"strings"
	"testing"

	"dinh/internal/testenv"
	"dinh/sync/province"
)

func TestParseCommune(t *testing.T) {
	for _, tt := range []struct {
		in, want string
		err      error
	}{
		{"25252", "25252", nil},
		{" 00001\n", "00001", nil},
		{"", "", province.ErrBadCommune},
		{"2525", "", province.ErrBadCommune},
		{"252525", "", province.ErrBadCommune},
		{"../x", "", province.ErrBadCommune},
		{"2525a", "", province.ErrBadCommune},
		{"25/52", "", province.ErrBadCommune},
		{"２５２５２", "", province.ErrBadCommune}, // full-width digits
	} {
		got, err := province.ParseCommune(tt.in)
		if !errors.Is(err, tt.err) || (err == nil && got != tt.want) {
			t.Errorf("ParseCommune(%q) = %q, %v; want %q, %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

// TestProvinceServerWithoutCgo builds the province server's packages with
// cgo off: central must not link MuPDF or anything else in C, so that it
// builds anywhere Go does.
func TestProvinceServerWithoutCgo(t *testing.T) {
	goTool := testenv.Tool(t, "go", "the Go toolchain")
	cmd := exec.Command(goTool, "build", "-o", "/dev/null", "dinh/sync/central", "dinh/sync/mesh", "dinh/sync/province")
	cmd.Env = append(cmd.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("CGO_ENABLED=0 go build: %v\n%s", err, out)
	}
	out, err := exec.Command(goTool, "list", "-deps", "dinh/sync/central").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range strings.Fields(string(out)) {
		if strings.Contains(p, "go-fitz") || strings.HasPrefix(p, "dinh/offline/photo") || strings.HasPrefix(p, "dinh/sync/field") {
			t.Errorf("central links %s", p)
		}
	}
}

package pdfsig

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestRevisionsAfterSigning: each incremental update after a signature is
// one revision, classified on its own, starting at the signed end or just
// after the previous update's trailer; past the limit, the rest is
// reported as one revision.
func TestRevisionsAfterSigning(t *testing.T) {
	f := getFixture()
	tests := []struct {
		updates int
		want    int
	}{
		{1, 1},
		{3, 3},
		{maxRevisions, maxRevisions},
		{maxRevisions + 5, maxRevisions},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.updates), func(t *testing.T) {
			b, x := basePDF(0, "adbe.pkcs7.detached")
			b = signPDF(t, b, rsaOpts())
			signedEnd := int64(len(b))
			var annots []string
			for i := range tt.updates {
				annots = append(annots, fmt.Sprintf("%d 0 R", 20+i))
				b, x = appendRevision(b, []obj{annotation(20 + i), pageWithAnnots(strings.Join(annots, " "))}, 21+i, x)
			}
			starts := []int64{signedEnd}
			for at := signedEnd; ; {
				i := bytes.Index(b[at:], []byte("trailer"))
				if i < 0 {
					break
				}
				at += int64(i)
				starts = append(starts, at+1)
				at++
			}
			r, err := Verify(b, f.rsaPool)
			if err != nil {
				t.Fatal(err)
			}
			revs := r.Signatures[0].Revisions
			if len(revs) != tt.want {
				t.Fatalf("got %d revisions, want %d", len(revs), tt.want)
			}
			for i, rv := range revs {
				if rv.Offset != starts[i] {
					t.Errorf("revision %d starts at %d, want %d", i+1, rv.Offset, starts[i])
				}
				if !slices.Equal(rv.Changes, []Change{ChangeAnnotation}) {
					t.Errorf("revision %d: got %v, want an annotation", i+1, rv.Changes)
				}
			}
		})
	}
}

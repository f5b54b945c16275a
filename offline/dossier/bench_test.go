package dossier

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

var (
	benchPhotosOnce sync.Once
	benchPhotos     []string
	benchPhotosErr  error
	benchPhotoDir   string
)

// phonePhotos writes ten distinct 4000×3000 JPEGs of about 4 MB each, as a
// phone takes them: smooth light with fine texture, at quality 92.
func phonePhotos(b *testing.B) []string {
	benchPhotosOnce.Do(func() {
		benchPhotoDir, benchPhotosErr = os.MkdirTemp("", "dinh-bench-photos-")
		if benchPhotosErr != nil {
			return
		}
		for i := range 10 {
			img := image.NewRGBA(image.Rect(0, 0, 4000, 3000))
			seed := uint32(i*7919 + 1)
			for y := range 3000 {
				for x := range 4000 {
					seed ^= seed << 13
					seed ^= seed >> 17
					seed ^= seed << 5
					n := uint8(seed % 20)
					img.Pix[(y*4000+x)*4+0] = uint8(x/16+i*20) + n
					img.Pix[(y*4000+x)*4+1] = uint8(y/12) + n
					img.Pix[(y*4000+x)*4+2] = uint8((x+y)/24) + n/2
					img.Pix[(y*4000+x)*4+3] = 255
				}
			}
			var buf bytes.Buffer
			if benchPhotosErr = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 92}); benchPhotosErr != nil {
				return
			}
			path := filepath.Join(benchPhotoDir, fmt.Sprintf("anh-%02d.jpg", i))
			if benchPhotosErr = os.WriteFile(path, buf.Bytes(), 0o600); benchPhotosErr != nil {
				return
			}
			benchPhotos = append(benchPhotos, path)
		}
	})
	if benchPhotosErr != nil {
		b.Fatal(benchPhotosErr)
	}
	return benchPhotos
}

// BenchmarkSeal10Photos4MB is the volunteer's last minute with a villager:
// ten phone photos of about 4 MB are downscaled, recompressed, encrypted
// into the draft, and the dossier is sealed for the central server.
func BenchmarkSeal10Photos4MB(b *testing.B) {
	photos := phonePhotos(b)
	var total int64
	for _, p := range photos {
		fi, _ := os.Stat(p)
		total += fi.Size()
	}
	e := newEnv(b, b.TempDir(), newCentral(b))
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		d, err := e.desk.Create("2.000889", "Cấp lại Giấy chứng nhận quyền sử dụng đất", "Bị mất", nil)
		if err != nil {
			b.Fatal(err)
		}
		complete(b, e, d)
		b.StartTimer()
		res, err := e.desk.Attach(context.Background(), d.ID, KindPaper, "Giấy chứng nhận", photos, nil)
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range res {
			if r.Err != nil {
				b.Fatal(r.Err)
			}
		}
		if _, err := e.desk.Seal(context.Background(), d.ID, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(total)/float64(len(photos))/(1<<20), "MB/photo")
}

// Package demo writes the demo meeting that `make run` hosts: a commune
// People's Council session with a Vietnamese agenda and generated
// multi-page PDFs. It is also the corpus for tests and benchmarks.
package demo

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"dinh/meeting"
)

// ID is the demo meeting's ID.
const ID = "hdnd-tan-trao-2026-ky-5"

type doc struct {
	name, title string
	pages       int
}

var docs = []doc{
	{"chuong-trinh-ky-hop.pdf", "Chương trình kỳ họp thứ năm", 2},
	{"bao-cao-kinh-te-xa-hoi-2026.pdf", "Báo cáo tình hình kinh tế – xã hội năm 2026", 12},
	{"to-trinh-du-toan-2027.pdf", "Tờ trình về dự toán ngân sách xã năm 2027", 8},
	{"phu-luc-du-toan-2027.pdf", "Phụ lục chi tiết dự toán ngân sách năm 2027", 24},
	{"du-thao-nghi-quyet.pdf", "Dự thảo Nghị quyết về dự toán ngân sách năm 2027", 4},
	{"bao-cao-tham-tra.pdf", "Báo cáo thẩm tra của Ban Kinh tế – Xã hội", 6},
}

// Meeting returns the demo meeting.
func Meeting() *meeting.Meeting {
	ict := time.FixedZone("ICT", 7*3600)
	return &meeting.Meeting{
		ID:    ID,
		Title: "Kỳ họp thứ năm – Hội đồng nhân dân xã Tân Trào",
		Start: time.Date(2026, 12, 3, 8, 0, 0, 0, ict),
		Place: "Hội trường Ủy ban nhân dân xã Tân Trào",
		Participants: []meeting.Participant{
			{Name: "Hoàng Văn Thắng", Role: "Chủ tịch HĐND – Chủ tọa", Seat: "A1"},
			{Name: "Nguyễn Thị Hạnh", Role: "Phó Chủ tịch HĐND", Seat: "A2"},
			{Name: "Ma Văn Đức", Role: "Chủ tịch UBND xã", Seat: "A3"},
			{Name: "Lý Thị Mai", Role: "Trưởng Ban Kinh tế – Xã hội", Seat: "B1"},
			{Name: "Triệu Văn Phúc", Role: "Đại biểu", Seat: "B2"},
			{Name: "Đặng Thị Lan", Role: "Đại biểu", Seat: "B3"},
			{Name: "Phạm Quốc Huy", Role: "Kế toán ngân sách", Seat: "C1"},
			{Name: "Vũ Thị Thu", Role: "Thư ký kỳ họp", Seat: "C2"},
		},
		Agenda: []meeting.Item{
			{Title: "Khai mạc kỳ họp, thông qua chương trình", Presenter: "Chủ tọa", Minutes: 10, Documents: []string{docs[0].name}},
			{Title: "Báo cáo tình hình kinh tế – xã hội năm 2026", Presenter: "Chủ tịch UBND xã", Minutes: 30, Documents: []string{docs[1].name}},
			{Title: "Tờ trình dự toán ngân sách xã năm 2027", Presenter: "Kế toán ngân sách", Minutes: 30, Documents: []string{docs[2].name, docs[3].name}},
			{Title: "Báo cáo thẩm tra", Presenter: "Trưởng Ban Kinh tế – Xã hội", Minutes: 15, Documents: []string{docs[5].name}},
			{Title: "Thảo luận và biểu quyết thông qua Nghị quyết", Presenter: "Chủ tọa", Minutes: 45, Documents: []string{docs[4].name}},
			{Title: "Bế mạc kỳ họp", Presenter: "Chủ tọa", Minutes: 5},
		},
	}
}

// WriteFolder writes the demo meeting folder into dir and returns the
// meeting. Existing files are rewritten only if their content differs. No
// document is signed.
func WriteFolder(dir string) (*meeting.Meeting, error) {
	return writeFolder(dir, nil)
}

// WriteSignedFolder is WriteFolder with three documents digitally signed by
// the demo's made-up CA, kept in caDir; the demo root goes into trustDir
// (the demo host's trust folder, which it bundles with the meeting).
func WriteSignedFolder(dir, caDir, trustDir string) (*meeting.Meeting, error) {
	a, err := loadAuthority(caDir)
	if err != nil {
		return nil, err
	}
	if err := writeRoot(a, trustDir); err != nil {
		return nil, err
	}
	return writeFolder(dir, a)
}

func writeFolder(dir string, a authority) (*meeting.Meeting, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("demo folder: %w", err)
	}
	m := Meeting()
	for i, d := range docs {
		var buf bytes.Buffer
		err := WritePDF(&buf, PDFSpec{Title: d.title, Subtitle: "Ủy ban nhân dân xã Tân Trào", Pages: d.pages, Seed: int64(i + 1)})
		if err != nil {
			return nil, fmt.Errorf("demo document %s: %w", d.name, err)
		}
		path := filepath.Join(dir, d.name)
		old, _ := os.ReadFile(path)
		out := buf.Bytes()
		if a != nil {
			if out, err = sign(a, d.name, out, old); err != nil {
				return nil, err
			}
		}
		if bytes.Equal(old, out) {
			continue
		}
		if err := meeting.WriteFileAtomic(path, out); err != nil {
			return nil, err
		}
	}
	if err := meeting.WriteFolder(dir, m); err != nil {
		return nil, err
	}
	return m, nil
}

package catalog

import "time"

// The format identifier and the only version this package reads.
const (
	FormatID      = "dinh-catalog"
	FormatVersion = 1
)

// Limits on a catalogue file.
const (
	MaxFileSize   = 64 << 20 // bytes
	MaxProcedures = 20000
)

// DateLayout is the layout of every date in a catalogue ("YYYY-MM-DD").
const DateLayout = time.DateOnly

// Catalog is a list of administrative procedures.
type Catalog struct {
	Format     string      `json:"format"`           // always FormatID
	Version    int         `json:"version"`          // always FormatVersion
	Sample     bool        `json:"sample,omitempty"` // true when the data is only an example
	Notice     string      `json:"notice,omitempty"` // shown to users above the list
	Updated    string      `json:"updated"`          // YYYY-MM-DD
	Procedures []Procedure `json:"procedures"`
}

// Procedure is one administrative procedure as published in the national
// database.
type Procedure struct {
	Code       string   `json:"code"`                 // national code, e.g. "1.001193"; unique
	Name       string   `json:"name"`                 // e.g. "Đăng ký khai sinh"
	Sector     string   `json:"sector"`               // lĩnh vực, e.g. "Hộ tịch"
	Level      Level    `json:"level"`                // level of government that handles it
	Agency     string   `json:"agency"`               // cơ quan thực hiện
	Audience   string   `json:"audience,omitempty"`   // đối tượng thực hiện
	Conditions []string `json:"conditions,omitempty"` // điều kiện thực hiện
	Cases      []Case   `json:"cases"`                // at least one
	LegalBases []string `json:"legalBases,omitempty"` // căn cứ pháp lý
	Forms      []Form   `json:"forms,omitempty"`      // mẫu đơn, tờ khai
	Result     string   `json:"result"`               // kết quả thực hiện
	Status     Status   `json:"status"`
	ReplacedBy string   `json:"replacedBy,omitempty"` // code of the procedure replacing it; only when replaced
	Source     string   `json:"source,omitempty"`     // where the record was taken from
	Updated    string   `json:"updated"`              // YYYY-MM-DD
}

// Case is one way a procedure applies (trường hợp), with its own papers,
// fee, time and steps; e.g. a birth registered on time, or a child born
// abroad.
type Case struct {
	Name           string    `json:"name"`
	Papers         []Paper   `json:"papers,omitempty"`
	Fee            string    `json:"fee"`              // as published: "Miễn phí", "8.000 đồng"
	FeeVND         int       `json:"feeVND,omitempty"` // the fee in đồng when it is one amount
	ProcessingDays float64   `json:"processingDays"`   // working days; 0 means the same day
	Steps          []Step    `json:"steps,omitempty"`
	Channels       []Channel `json:"channels"`
}

// Paper is a document the applicant brings or uploads (thành phần hồ sơ).
type Paper struct {
	Name       string `json:"name"`
	Originals  int    `json:"originals,omitempty"`
	Copies     int    `json:"copies,omitempty"`
	Note       string `json:"note,omitempty"`
	WhereToGet string `json:"whereToGet,omitempty"` // where to obtain it when missing
}

// Step is one step of filing, short enough to explain on one screen.
type Step struct {
	Title  string `json:"title"`
	Detail string `json:"detail,omitempty"`
}

// Form is a blank form or declaration (mẫu đơn, tờ khai) shipped with the
// catalogue.
type Form struct {
	Name string `json:"name"`
	File string `json:"file"` // relative path, no ".." and no leading "/"
}

// Channel is a way to file a case (cách thức thực hiện).
type Channel struct {
	Kind   ChannelKind `json:"kind"`
	Online OnlineMode  `json:"online,omitempty"` // only when Kind is KindOnline
	URL    string      `json:"url,omitempty"`
}

// Level is the level of government that handles a procedure.
type Level string

// The levels of government.
const (
	LevelCommune  Level = "commune"  // cấp xã
	LevelDistrict Level = "district" // cấp huyện, abolished on 1 July 2025 but kept for older catalogues
	LevelProvince Level = "province" // cấp tỉnh
)

// Status says whether a procedure still applies.
type Status string

// The statuses of a procedure.
const (
	StatusInForce  Status = "in-force"
	StatusReplaced Status = "replaced"
)

// ChannelKind is how an application reaches the agency.
type ChannelKind string

// The kinds of channel.
const (
	KindInPerson ChannelKind = "in-person"
	KindPostal   ChannelKind = "postal"
	KindOnline   ChannelKind = "online"
)

// OnlineMode says how much of an online procedure happens online.
type OnlineMode string

// The online modes.
const (
	OnlineWhole   OnlineMode = "whole"   // toàn trình: nothing to bring in person
	OnlinePartial OnlineMode = "partial" // một phần: the result or an original is handled in person
)

// Valid reports whether l is one of the defined levels.
func (l Level) Valid() bool {
	return l == LevelCommune || l == LevelDistrict || l == LevelProvince
}

// Valid reports whether s is one of the defined statuses.
func (s Status) Valid() bool { return s == StatusInForce || s == StatusReplaced }

// Valid reports whether k is one of the defined channel kinds.
func (k ChannelKind) Valid() bool { return k == KindInPerson || k == KindPostal || k == KindOnline }

// Valid reports whether m is one of the defined online modes.
func (m OnlineMode) Valid() bool { return m == OnlineWhole || m == OnlinePartial }

// Code names the channel for the catalogue of words: its kind, and for an
// online channel how much of it is online ("online.whole").
func (c Channel) Code() string {
	if c.Kind == KindOnline && c.Online.Valid() {
		return string(c.Kind) + "." + string(c.Online)
	}
	return string(c.Kind)
}

// Lookup returns the procedure with the given code, or nil.
func (c *Catalog) Lookup(code string) *Procedure {
	for i := range c.Procedures {
		if c.Procedures[i].Code == code {
			return &c.Procedures[i]
		}
	}
	return nil
}

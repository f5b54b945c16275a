package photo

import (
	"image"
	"math/bits"
)

// A baseline JPEG encoder for the two kinds of image export produces:
// *image.YCbCr with 4:2:0 chroma and *image.Gray. It writes what
// image/jpeg writes (the same quality scaling of the same Annex K tables,
// the same Huffman tables, no metadata) in about half the time, because it
// takes the planes as they are instead of converting every 8×8 block
// through image.Image, and quantises by multiplying instead of dividing.
// BenchmarkEncode compares the two; TestEncode checks them against each
// other and against the source pixels.

// zigzag[k] is the index in an 8×8 block, row by row, of the k-th
// coefficient in zigzag order.
var zigzag = [64]uint8{
	0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
	12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
	35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
	58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
}

// baseQuant holds the example quantisation tables of the JPEG standard
// (Annex K.1), luminance then chrominance, row by row.
var baseQuant = [2][64]uint8{{
	16, 11, 10, 16, 24, 40, 51, 61,
	12, 12, 14, 19, 26, 58, 60, 55,
	14, 13, 16, 24, 40, 57, 69, 56,
	14, 17, 22, 29, 51, 87, 80, 62,
	18, 22, 37, 56, 68, 109, 103, 77,
	24, 35, 55, 64, 81, 104, 113, 92,
	49, 64, 78, 87, 103, 121, 120, 101,
	72, 92, 95, 98, 112, 100, 103, 99,
}, {
	17, 18, 24, 47, 99, 99, 99, 99,
	18, 21, 26, 66, 99, 99, 99, 99,
	24, 26, 56, 99, 99, 99, 99, 99,
	47, 66, 99, 99, 99, 99, 99, 99,
	99, 99, 99, 99, 99, 99, 99, 99,
	99, 99, 99, 99, 99, 99, 99, 99,
	99, 99, 99, 99, 99, 99, 99, 99,
	99, 99, 99, 99, 99, 99, 99, 99,
}}

// huffSpec is a Huffman table as a DHT segment gives it: the number of
// codes of each length 1–16, and the symbols in order of their codes.
type huffSpec struct {
	count [16]uint8
	value []uint8
}

// huffSpecs are the typical tables of the JPEG standard (Annex K.3):
// luminance DC, luminance AC, chrominance DC, chrominance AC.
var huffSpecs = [4]huffSpec{{
	[16]uint8{0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0},
	[]uint8{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11},
}, {
	[16]uint8{0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 125},
	[]uint8{
		0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12,
		0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07,
		0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xa1, 0x08,
		0x23, 0x42, 0xb1, 0xc1, 0x15, 0x52, 0xd1, 0xf0,
		0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0a, 0x16,
		0x17, 0x18, 0x19, 0x1a, 0x25, 0x26, 0x27, 0x28,
		0x29, 0x2a, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39,
		0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49,
		0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59,
		0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69,
		0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79,
		0x7a, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
		0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98,
		0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
		0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6,
		0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5,
		0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4,
		0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe1, 0xe2,
		0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea,
		0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8,
		0xf9, 0xfa,
	},
}, {
	[16]uint8{0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0},
	[]uint8{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11},
}, {
	[16]uint8{0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 119},
	[]uint8{
		0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21,
		0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71,
		0x13, 0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91,
		0xa1, 0xb1, 0xc1, 0x09, 0x23, 0x33, 0x52, 0xf0,
		0x15, 0x62, 0x72, 0xd1, 0x0a, 0x16, 0x24, 0x34,
		0xe1, 0x25, 0xf1, 0x17, 0x18, 0x19, 0x1a, 0x26,
		0x27, 0x28, 0x29, 0x2a, 0x35, 0x36, 0x37, 0x38,
		0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48,
		0x49, 0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58,
		0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68,
		0x69, 0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78,
		0x79, 0x7a, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87,
		0x88, 0x89, 0x8a, 0x92, 0x93, 0x94, 0x95, 0x96,
		0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5,
		0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4,
		0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3,
		0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2,
		0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda,
		0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9,
		0xea, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8,
		0xf9, 0xfa,
	},
}}

// huffCode is a Huffman table ready for encoding: for each symbol, its
// code in the low bits and the code's length in the top byte.
type huffCode [256]uint32

// huffCodes are huffSpecs as codes (Annex C), built once.
var huffCodes = func() (t [4]huffCode) {
	for i, s := range huffSpecs {
		code, k := uint32(0), 0
		for n, c := range s.count {
			for range c {
				t[i][s.value[k]] = uint32(n+1)<<24 | code
				code++
				k++
			}
			code <<= 1
		}
	}
	return t
}()

// aanScale are the factors by which the AAN forward DCT below scales its
// output, for each row and column index.
var aanScale = [8]float64{1, 1.387039845, 1.306562965, 1.175875602, 1, 0.785694958, 0.541196100, 0.275899379}

// jpegEncoder holds what encoding one image needs.
type jpegEncoder struct {
	quant [2][64]uint8   // the tables written, row by row
	scale [2][64]float32 // what multiplies each DCT output to quantise it
	out   []byte
	acc   uint64 // bits not yet written, the last nacc of them valid
	nacc  uint
	block [64]float32
}

// init scales the standard tables for quality as libjpeg and image/jpeg do.
func (e *jpegEncoder) init(quality int) {
	s := 200 - 2*quality
	if quality < 50 {
		s = 5000 / quality
	}
	for t := range e.quant {
		for i, b := range baseQuant[t] {
			q := min(max((int(b)*s+50)/100, 1), 255)
			e.quant[t][i] = uint8(q)
			e.scale[t][i] = float32(1 / (float64(q) * aanScale[i/8] * aanScale[i%8] * 8))
		}
	}
}

// encodeBaseline encodes img, an *image.YCbCr with 4:2:0 chroma or an
// *image.Gray whose bounds start at (0, 0), with the given quality
// (1–100).
func encodeBaseline(img image.Image, quality int) []byte {
	var e jpegEncoder
	e.init(quality)
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	gray, _ := img.(*image.Gray)
	ncomp := 3
	if gray != nil {
		ncomp = 1
	}
	e.out = make([]byte, 0, w*h/4+1024)
	e.header(w, h, ncomp)

	var prev [3]int32
	if gray != nil {
		for by := 0; by < h; by += 8 {
			for bx := 0; bx < w; bx += 8 {
				e.load(gray.Pix, gray.Stride, w, h, bx, by)
				prev[0] = e.writeBlock(0, prev[0])
			}
		}
	} else {
		m := img.(*image.YCbCr)
		cw, ch := (w+1)/2, (h+1)/2
		for my := 0; my < h; my += 16 {
			for mx := 0; mx < w; mx += 16 {
				for i := range 4 {
					e.load(m.Y, m.YStride, w, h, mx+8*(i&1), my+8*(i>>1))
					prev[0] = e.writeBlock(0, prev[0])
				}
				e.load(m.Cb, m.CStride, cw, ch, mx/2, my/2)
				prev[1] = e.writeBlock(1, prev[1])
				e.load(m.Cr, m.CStride, cw, ch, mx/2, my/2)
				prev[2] = e.writeBlock(1, prev[2])
			}
		}
	}
	// Pad the last byte with 1 bits, then EOI.
	if e.nacc > 0 {
		e.put(1<<(8-e.nacc)-1, 8-e.nacc)
	}
	e.out = append(e.out, 0xFF, 0xD9)
	return e.out
}

// header writes SOI, DQT, SOF0, DHT and SOS.
func (e *jpegEncoder) header(w, h, ncomp int) {
	ntab := min(ncomp, 2)
	o := append(e.out, 0xFF, 0xD8)

	o = append(o, 0xFF, 0xDB)
	o = append16(o, 2+65*ntab)
	for t := range ntab {
		o = append(o, byte(t))
		for _, z := range zigzag {
			o = append(o, e.quant[t][z])
		}
	}

	o = append(o, 0xFF, 0xC0)
	o = append16(o, 8+3*ncomp)
	o = append(o, 8)
	o = append16(o, h)
	o = append16(o, w)
	o = append(o, byte(ncomp))
	if ncomp == 1 {
		o = append(o, 1, 0x11, 0)
	} else {
		o = append(o, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1)
	}

	o = append(o, 0xFF, 0xC4)
	n := 2
	for i := range 2 * ntab {
		n += 17 + len(huffSpecs[i].value)
	}
	o = append16(o, n)
	for i := range 2 * ntab {
		// Class (0 DC, 1 AC) and table number.
		o = append(o, byte(i%2)<<4|byte(i/2))
		o = append(o, huffSpecs[i].count[:]...)
		o = append(o, huffSpecs[i].value...)
	}

	o = append(o, 0xFF, 0xDA)
	o = append16(o, 6+2*ncomp)
	o = append(o, byte(ncomp))
	if ncomp == 1 {
		o = append(o, 1, 0x00)
	} else {
		o = append(o, 1, 0x00, 2, 0x11, 3, 0x11)
	}
	e.out = append(o, 0, 63, 0)
}

func append16(b []byte, v int) []byte { return append(b, byte(v>>8), byte(v)) }

// load copies the 8×8 block at (x, y) of a w×h plane into e.block, level
// shifted, repeating the last column and row where the block passes the
// edge.
func (e *jpegEncoder) load(pix []byte, stride, w, h, x, y int) {
	if x+8 <= w && y+8 <= h {
		for j := range 8 {
			row := pix[(y+j)*stride+x : (y+j)*stride+x+8]
			blk := e.block[8*j : 8*j+8]
			for i, v := range row {
				blk[i] = float32(v) - 128
			}
		}
		return
	}
	for j := range 8 {
		sy := min(y+j, h-1)
		for i := range 8 {
			sx := min(x+i, w-1)
			e.block[8*j+i] = float32(pix[sy*stride+sx]) - 128
		}
	}
}

// fdct transforms e.block in place with the AAN algorithm (Arai, Agui and
// Nakajima, as in libjpeg's jfdctflt.c): each output is the DCT
// coefficient times 8·aanScale[row]·aanScale[column], undone by the
// quantisation scale.
func (e *jpegEncoder) fdct() {
	d := &e.block
	for p := range 2 {
		step, next := 1, 8 // rows, then columns
		if p == 1 {
			step, next = 8, 1
		}
		for r := range 8 {
			b := r * next
			d0, d1, d2, d3 := d[b], d[b+step], d[b+2*step], d[b+3*step]
			d4, d5, d6, d7 := d[b+4*step], d[b+5*step], d[b+6*step], d[b+7*step]

			t0, t7 := d0+d7, d0-d7
			t1, t6 := d1+d6, d1-d6
			t2, t5 := d2+d5, d2-d5
			t3, t4 := d3+d4, d3-d4

			t10, t13 := t0+t3, t0-t3
			t11, t12 := t1+t2, t1-t2
			d[b] = t10 + t11
			d[b+4*step] = t10 - t11
			z1 := (t12 + t13) * 0.707106781
			d[b+2*step] = t13 + z1
			d[b+6*step] = t13 - z1

			t10 = t4 + t5
			t11 = t5 + t6
			t12 = t6 + t7
			z5 := (t10 - t12) * 0.382683433
			z2 := 0.541196100*t10 + z5
			z4 := 1.306562965*t12 + z5
			z3 := t11 * 0.707106781
			z11, z13 := t7+z3, t7-z3
			d[b+5*step] = z13 + z2
			d[b+3*step] = z13 - z2
			d[b+1*step] = z11 + z4
			d[b+7*step] = z11 - z4
		}
	}
}

// writeBlock transforms, quantises with table t and Huffman-codes
// e.block, whose DC is coded as a difference from prev, and returns its
// DC.
func (e *jpegEncoder) writeBlock(t int, prev int32) int32 {
	e.fdct()
	var q [64]int32
	sc := &e.scale[t]
	last := 0
	for k, z := range zigzag {
		// Round to nearest; the offset keeps the conversion's
		// truncation away from negative numbers.
		// 8-bit samples bound the coefficients: |DC| ≤ 1024, so
		// that a DC difference fits 11 bits, and |AC| ≤ 1020 (a
		// 4-pixel checkerboard at quality 100), 10 bits. The clamp
		// only guards the Huffman table lookup.
		v := int32(e.block[z]*sc[z]+16384.5) - 16384
		q[k] = min(max(v, -2047), 2047)
		if v != 0 {
			last = k
		}
	}
	dc, ac := &huffCodes[2*t], &huffCodes[2*t+1]

	diff := q[0] - prev
	n, bits := magnitude(diff)
	e.putCode(dc[n])
	e.put(bits, n)

	run := uint32(0)
	for k := 1; k <= last; k++ {
		v := q[k]
		if v == 0 {
			run++
			continue
		}
		for run > 15 {
			e.putCode(ac[0xF0])
			run -= 16
		}
		n, bits := magnitude(max(min(v, 1023), -1023))
		e.putCode(ac[run<<4|uint32(n)])
		e.put(bits, n)
		run = 0
	}
	if last < 63 {
		e.putCode(ac[0x00])
	}
	return q[0]
}

// magnitude returns the size category of v and the bits that code it:
// v itself if positive, v-1 (in ones' complement) if negative.
func magnitude(v int32) (uint, uint32) {
	if v == 0 {
		return 0, 0
	}
	a := v
	if v < 0 {
		a = -v
		v--
	}
	n := uint(bits.Len32(uint32(a)))
	return n, uint32(v) & (1<<n - 1)
}

func (e *jpegEncoder) putCode(c uint32) { e.put(c&0xFFFF, uint(c>>24)) }

// put appends the n low bits of v to the entropy-coded data, inserting a
// 0x00 after each 0xFF byte.
func (e *jpegEncoder) put(v uint32, n uint) {
	e.acc = e.acc<<n | uint64(v)
	e.nacc += n
	for e.nacc >= 8 {
		e.nacc -= 8
		c := byte(e.acc >> e.nacc)
		if c == 0xFF {
			e.out = append(e.out, 0xFF, 0)
		} else {
			e.out = append(e.out, c)
		}
	}
}

#!/bin/sh
# Builds a corpus of signed PDFs with software that Đình did not write, for
# TestThirdParty: a CA hierarchy made with openssl; signatures made by
# poppler's pdfsig (NSS), by @signpdf/signpdf (npm, node-forge), and by
# Apache PDFBox with BouncyCastle (Corpus.java); later changes made by mutool
# and by PDFBox. Clocks are fixed with faketime, so verdicts do not depend on
# the day the corpus is made.
#
# Usage: make.sh OUTDIR
# Needs: openssl faketime pdfsig certutil pk12util crlutil mutool java javac
# node npm, and the Debian jars of PDFBox 2 and BouncyCastle
# (build/deps.sh test installs them all).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$1
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
cd "$OUT"

T0="2025-01-01 08:00:00"   # the CAs and certificates are made
TREV="2026-03-01 08:00:00" # the revoked signer's certificate is revoked
T1="2026-06-15 10:00:00"   # documents are signed
T2="2026-06-20 09:00:00"   # later changes
TEXP="2025-01-15 10:00:00" # while the short-lived certificate was valid
PASS=dinh
export TZ=UTC

export CADIR=.
# ossl_ca TIME CA ARGS: openssl ca on that CA's database, with the clock at TIME.
ossl_ca() {
  t=$1 c=$2; shift 2
  CADIR="$OUT/ca/$c" faketime "$t" openssl ca -batch -notext -utf8 -config "$HERE/ca.cnf" "$@" 2>ca/last.log ||
    { cat ca/last.log >&2; return 1; }
}

# newca NAME SUBJECT [PARENT]: a CA with its own openssl database.
newca() {
  d=ca/$1
  mkdir -p "$d/new"
  : >"$d/index.txt"; openssl rand -hex 8 >"$d/serial"; echo 1000 >"$d/crlnumber"
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$d/ca.key" 2>/dev/null
  openssl req -new -utf8 -config "$HERE/ca.cnf" -key "$d/ca.key" -subj "$2" -out "$d/ca.csr"
  if [ $# -eq 2 ]; then
    ossl_ca "$T0" "$1" -selfsign -keyfile "$d/ca.key" -in "$d/ca.csr" -out "$d/ca.pem" -extensions v3_root -days 7300
  else
    ossl_ca "$T0" "$3" -in "$d/ca.csr" -out "$d/ca.pem" -extensions v3_inter -days 3650
  fi
}

# leaf NAME CA SUBJECT KEYALG DAYS EXT: a key and certificate under keys/.
leaf() {
  mkdir -p keys
  case $4 in
    rsa) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "keys/$1.key" 2>/dev/null ;;
    ec)  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "keys/$1.key" 2>/dev/null ;;
  esac
  openssl req -new -utf8 -config "$HERE/ca.cnf" -key "keys/$1.key" -subj "$3" -out "keys/$1.csr"
  ossl_ca "$T0" "$2" -in "keys/$1.csr" -out "keys/$1.pem" -extensions "$6" -days "$5"
  # 3DES and SHA-1 MAC: what every PKCS #12 reader (NSS, node-forge, Java) takes.
  openssl pkcs12 -export -inkey "keys/$1.key" -in "keys/$1.pem" -certfile "ca/$2/ca.pem" \
    -name "$1" -passout "pass:$PASS" -certpbe PBE-SHA1-3DES -keypbe PBE-SHA1-3DES -macalg sha1 \
    -out "keys/$1.p12"
}

rm -rf ca keys nss nss-impostor trust roots pdf java
mkdir -p ca
# The genuine hierarchy, and a rogue root whose leaf copies a genuine subject.
# The CAs' names are ASCII, as the licensed Vietnamese CAs' are: node-forge
# (signpdf) garbles a non-ASCII issuer name in the signer identifier, so that
# no reader finds the signer. The signers' names are Vietnamese.
newca root "/C=VN/O=Dinh Test PKI/CN=Dinh Test Root CA"
newca inter "/C=VN/O=Dinh Test PKI/CN=Dinh Test Signing CA" root
newca rogue "/C=VN/O=Dinh Test PKI/CN=Dinh Test Root CA"
leaf rsa inter "/C=VN/O=HĐND tỉnh Thử Nghiệm/CN=Nguyễn Văn An" rsa 1825 v3_signer
leaf ec inter "/C=VN/O=UBND tỉnh Thử Nghiệm/CN=Văn phòng UBND tỉnh" ec 1825 v3_signer
leaf expired inter "/C=VN/O=HĐND tỉnh Thử Nghiệm/CN=Trần Thị Bình" rsa 30 v3_signer
leaf revoked inter "/C=VN/O=HĐND tỉnh Thử Nghiệm/CN=Lê Văn Cường" rsa 1825 v3_signer
leaf tsa inter "/C=VN/O=Dinh Test PKI/CN=Dinh Test Time-Stamping Authority" rsa 1825 v3_tsa
leaf impostor rogue "/C=VN/O=HĐND tỉnh Thử Nghiệm/CN=Nguyễn Văn An" rsa 1825 v3_signer

# Revoke before the signing time, then publish both CRLs.
ossl_ca "$TREV" inter -revoke keys/revoked.pem -crl_reason keyCompromise
ossl_ca "$TREV" inter -gencrl -out ca/inter/crl.pem
ossl_ca "$TREV" root -gencrl -out ca/root/crl.pem
openssl crl -in ca/inter/crl.pem -outform DER -out ca/inter/crl.der
openssl crl -in ca/root/crl.pem -outform DER -out ca/root/crl.der

# The trust folder Đình is given: the genuine root and the CRLs.
mkdir -p roots
cp ca/root/ca.pem roots/root.pem
cp ca/inter/crl.pem roots/inter-crl.pem
cp ca/root/crl.pem roots/root-crl.pem

# NSS databases: one holding the signers' keys for pdfsig to sign with, one
# trusting the genuine root (with the CRLs) for pdfsig to validate with.
# The impostor copies a genuine subject, so NSS would give it the same
# nickname: it signs from a database of its own.
mkdir -p nss nss-impostor trust
certutil -N -d "sql:$OUT/nss" --empty-password
for k in rsa ec expired revoked; do
  pk12util -i "keys/$k.p12" -d "sql:$OUT/nss" -W "$PASS" >/dev/null
done
certutil -N -d "sql:$OUT/nss-impostor" --empty-password
pk12util -i keys/impostor.p12 -d "sql:$OUT/nss-impostor" -W "$PASS" >/dev/null
certutil -N -d "sql:$OUT/trust" --empty-password
certutil -A -d "sql:$OUT/trust" -n root -t "CT,C,C" -i ca/root/ca.pem
certutil -A -d "sql:$OUT/trust" -n inter -t ",," -i ca/inter/ca.pem
crlutil -I -d "sql:$OUT/trust" -i ca/inter/crl.der -B >/dev/null
crlutil -I -d "sql:$OUT/trust" -i ca/root/crl.der -B >/dev/null

mkdir -p pdf

# PDFBox and BouncyCastle: the base document, certification signatures,
# PAdES levels and later revisions (see Corpus.java).
J=/usr/share/java
CP=$J/pdfbox2.jar:$J/fontbox2.jar:$J/commons-logging.jar:$J/bcprov.jar:$J/bcpkix.jar:$J/bcutil.jar
mkdir -p java
javac -encoding UTF-8 -nowarn -d java -cp "$CP" "$HERE/Corpus.java"
java -Dfile.encoding=UTF-8 -Djava.util.logging.config.file=/dev/null -cp "java:$CP" Corpus pdf keys "$PASS" "$T1" "$T2" 2>java/log.txt ||
  { cat java/log.txt >&2; exit 1; }

# poppler's pdfsig (NSS): signs at T1, each signature a new revision.
psign() { # DB NICK IN OUT [ARGS]
  db=$1 nick=$2 in=$3 o=$4; shift 4
  # poppler 22.12 sizes the signature's room from a trial signature, and an
  # ECDSA signature can come out a byte longer ("unable update signature"):
  # up to twenty tries (six were seen to fail together in CI).
  for try in $(seq 20); do
    faketime "$T1" pdfsig -add-signature -nssdir "$OUT/$db" -nick "$nick" "$@" "$in" "$o" >java/pdfsig.log 2>&1 && return 0
  done
  cat java/pdfsig.log >&2; exit 1
}
# poppler 22.12 fails to add a signature with -reason to a signed file.
psign nss rsa pdf/base.pdf pdf/poppler-rsa.pdf -reason "Phe duyet nghi quyet"
psign nss ec pdf/base.pdf pdf/poppler-ecdsa.pdf
psign nss ec pdf/poppler-rsa.pdf pdf/poppler-two-signatures.pdf -new-signature-field-name VanPhong
# NSS will not sign with a certificate that has expired: this one signs
# while it was valid (the file is judged at its signing time).
T1=$TEXP psign nss expired pdf/base.pdf pdf/poppler-expired-later.pdf
psign nss revoked pdf/base.pdf pdf/poppler-revoked.pdf
psign nss-impostor impostor pdf/base.pdf pdf/poppler-untrusted-root.pdf

# mutool (MuPDF's own writer): later revisions of a poppler-signed file.
mutool run "$HERE/change.js" content pdf/poppler-rsa.pdf pdf/poppler-rsa-content-changed.pdf
mutool run "$HERE/change.js" annotation pdf/poppler-rsa.pdf pdf/poppler-rsa-annotated.pdf

# @signpdf/signpdf (node-forge's CMS encoder), pinned by package-lock.json.
NODE_DIR=${DINH_NODE_CACHE:-$OUT/node}
mkdir -p "$NODE_DIR"
cp "$HERE/package.json" "$HERE/package-lock.json" "$NODE_DIR/"
(cd "$NODE_DIR" && npm ci --no-audit --no-fund >/dev/null)
NODE_PATH="$NODE_DIR/node_modules" faketime "$T1" node "$HERE/signpdf.cjs" keys/rsa.p12 "$PASS" pdf/base.pdf pdf/signpdf-rsa.pdf
NODE_PATH="$NODE_DIR/node_modules" faketime "$T1" node "$HERE/signpdf.cjs" keys/impostor.p12 "$PASS" pdf/base.pdf pdf/signpdf-untrusted-root.pdf

# Damage: one byte flipped inside the signed range, a truncated file.
cp pdf/poppler-rsa.pdf pdf/poppler-rsa-byte-flipped.pdf
# The "5" of the first page width (595): a change a reader would see.
off=$(grep -a -b -o "595" pdf/base.pdf | head -1 | cut -d: -f1)
printf 6 | dd of=pdf/poppler-rsa-byte-flipped.pdf bs=1 seek="$off" conv=notrunc 2>/dev/null
# Cut short, as an interrupted copy would: the signed range runs past the end.
size=$(wc -c <pdf/poppler-rsa.pdf)
head -c $((size - 200)) pdf/poppler-rsa.pdf >pdf/poppler-rsa-truncated.pdf
cp pdf/base.pdf pdf/unsigned.pdf

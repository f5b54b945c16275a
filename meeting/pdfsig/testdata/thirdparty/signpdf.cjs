// node signpdf.cjs P12 PASSWORD IN OUT: signs IN with @signpdf/signpdf and
// @signpdf/signer-p12 (node-forge's CMS encoder), a placeholder added by
// @signpdf/placeholder-plain.
const fs = require("fs");
const { SignPdf } = require("@signpdf/signpdf");
const { P12Signer } = require("@signpdf/signer-p12");
const { plainAddPlaceholder } = require("@signpdf/placeholder-plain");

async function main() {
  const [p12, pass, input, output] = process.argv.slice(2);
  const pdf = plainAddPlaceholder({
    pdfBuffer: fs.readFileSync(input),
    reason: "Phe duyet",
    contactInfo: "vanphong@example.invalid",
    name: "Nguyen Van An",
    location: "Tinh Thu Nghiem",
  });
  const signer = new P12Signer(fs.readFileSync(p12), { passphrase: pass });
  const signed = await new SignPdf().sign(pdf, signer, new Date());
  fs.writeFileSync(output, signed);
}
main().catch((e) => { console.error(e); process.exit(1); });

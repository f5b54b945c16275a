// mutool run change.js MODE IN OUT: a later revision of a signed PDF, saved
// incrementally by MuPDF. MODE "content" paints over page 1; "annotation"
// adds a sticky note to it.
var mode = scriptArgs[0], input = scriptArgs[1], output = scriptArgs[2];
var doc = new PDFDocument(input);
if (mode === "content") {
  var page = doc.findPage(0);
  var extra = doc.addStream("0 0 1 rg 72 700 200 20 re f\n", {});
  var contents = doc.newArray();
  contents.push(page.get("Contents"));
  contents.push(extra);
  page.put("Contents", contents);
} else if (mode === "annotation") {
  var p = doc.loadPage(0);
  var annot = p.createAnnotation("Text");
  annot.setRect([400, 700, 420, 720]);
  annot.setContents("Ghi chu cua dai bieu");
  annot.update();
} else {
  throw new Error("unknown mode " + mode);
}
doc.save(output, "incremental");

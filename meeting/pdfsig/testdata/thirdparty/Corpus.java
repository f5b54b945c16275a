// Corpus signs PDFs with Apache PDFBox and BouncyCastle, the Java stack many
// CA signing services are built on, for Đình's third-party test corpus
// (make.sh runs it). It writes an unsigned base document, certification
// signatures at each DocMDP level, PAdES B-B, B-T, B-LT and B-LTA, and later
// revisions that the rules allow or forbid. Its time-stamping authority runs
// in this process (BouncyCastle's TimeStampTokenGenerator).
//
// Usage: java Corpus OUTDIR KEYSDIR PASSWORD SIGNTIME LATERTIME
// (times as yyyy-MM-dd HH:mm:ss, UTC).

import java.io.*;
import java.math.BigInteger;
import java.nio.file.*;
import java.security.*;
import java.security.cert.*;
import java.text.SimpleDateFormat;
import java.util.*;

import org.apache.pdfbox.cos.*;
import org.apache.pdfbox.pdmodel.*;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.interactive.annotation.*;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.*;
import org.apache.pdfbox.pdmodel.interactive.form.*;

import org.bouncycastle.asn1.*;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.asn1.ess.ESSCertIDv2;
import org.bouncycastle.asn1.ess.SigningCertificateV2;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.*;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.tsp.*;

public class Corpus {
    static Path out, keys;
    static char[] pass;
    static Date signTime, laterTime;
    static Identity tsa;
    static X509Certificate root, inter;
    static byte[] interCRL, rootCRL;

    record Identity(PrivateKey key, X509Certificate cert, List<X509Certificate> chain) {}

    public static void main(String[] a) throws Exception {
        out = Paths.get(a[0]);
        keys = Paths.get(a[1]);
        pass = a[2].toCharArray();
        SimpleDateFormat f = new SimpleDateFormat("yyyy-MM-dd HH:mm:ss");
        f.setTimeZone(TimeZone.getTimeZone("UTC"));
        signTime = f.parse(a[3]);
        laterTime = f.parse(a[4]);
        Security.addProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider());
        tsa = identity("tsa");
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        root = (X509Certificate) cf.generateCertificate(Files.newInputStream(Paths.get(a[1], "..", "ca", "root", "ca.pem")));
        inter = (X509Certificate) cf.generateCertificate(Files.newInputStream(Paths.get(a[1], "..", "ca", "inter", "ca.pem")));
        interCRL = Files.readAllBytes(Paths.get(a[1], "..", "ca", "inter", "crl.der"));
        rootCRL = Files.readAllBytes(Paths.get(a[1], "..", "ca", "root", "crl.der"));
        Identity rsa = identity("rsa"), ec = identity("ec");
        Identity expired = identity("expired"), revoked = identity("revoked");

        File base = pdf("base.pdf");
        writeBase(base);

        // Approval signatures in the forms real signers use.
        sign(base, pdf("pdfbox-rsa.pdf"), rsa, Opts.approval());
        sign(base, pdf("pdfbox-ecdsa-sha384.pdf"), ec, Opts.approval().alg("SHA384withECDSA"));
        sign(base, pdf("pdfbox-certs-twice.pdf"), rsa, Opts.approval().certsTwice());
        sign(base, pdf("pdfbox-der.pdf"), rsa, Opts.approval().der());
        sign(base, pdf("pdfbox-sha1.pdf"), rsa, Opts.approval().subFilter("adbe.pkcs7.sha1").alg("SHA1withRSA"));
        sign(base, pdf("pdfbox-no-signing-time.pdf"), rsa, Opts.approval().noSigningTime());
        sign(pdf("pdfbox-rsa.pdf"), pdf("pdfbox-two-signatures.pdf"), ec, Opts.approval().name("Văn phòng UBND tỉnh"));
        // Signed after the certificate expired, and after it was revoked.
        sign(base, pdf("pdfbox-expired.pdf"), expired, Opts.approval());
        sign(base, pdf("pdfbox-revoked.pdf"), revoked, Opts.approval());

        // Certification signatures at each DocMDP level, then later changes.
        for (int p = 1; p <= 3; p++) {
            sign(base, pdf("pdfbox-certified-p" + p + ".pdf"), rsa, Opts.approval().mdp(p));
            fillForm(pdf("pdfbox-certified-p" + p + ".pdf"), pdf("pdfbox-certified-p" + p + "-form-filled.pdf"));
            annotate(pdf("pdfbox-certified-p" + p + ".pdf"), pdf("pdfbox-certified-p" + p + "-annotated.pdf"));
            sign(pdf("pdfbox-certified-p" + p + ".pdf"), pdf("pdfbox-certified-p" + p + "-signed-again.pdf"), ec, Opts.approval());
        }
        changeContent(pdf("pdfbox-certified-p3.pdf"), pdf("pdfbox-certified-p3-content-changed.pdf"));

        // Approval signatures, then later changes.
        fillForm(pdf("pdfbox-rsa.pdf"), pdf("pdfbox-rsa-form-filled.pdf"));
        annotate(pdf("pdfbox-rsa.pdf"), pdf("pdfbox-rsa-annotated.pdf"));
        changeContent(pdf("pdfbox-rsa.pdf"), pdf("pdfbox-rsa-content-changed.pdf"));
        addPage(pdf("pdfbox-rsa.pdf"), pdf("pdfbox-rsa-page-added.pdf"));

        // PAdES baseline levels.
        sign(base, pdf("pades-b-b.pdf"), rsa, Opts.cades());
        sign(base, pdf("pades-b-t.pdf"), rsa, Opts.cades().timestamp());
        addDSS(pdf("pades-b-t.pdf"), pdf("pades-b-lt.pdf"));
        docTimestamp(pdf("pades-b-lt.pdf"), pdf("pades-b-lta.pdf"));
        docTimestamp(pdf("pdfbox-rsa.pdf"), pdf("pdfbox-rsa-doc-timestamp.pdf"));
        changeContent(pdf("pades-b-lta.pdf"), pdf("pades-b-lta-content-changed.pdf"));
    }

    static File pdf(String name) { return out.resolve(name).toFile(); }

    static Identity identity(String name) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keys.resolve(name + ".p12"))) {
            ks.load(in, pass);
        }
        String alias = ks.aliases().nextElement();
        PrivateKey k = (PrivateKey) ks.getKey(alias, pass);
        List<X509Certificate> chain = new ArrayList<>();
        for (java.security.cert.Certificate c : ks.getCertificateChain(alias)) chain.add((X509Certificate) c);
        if (chain.size() == 1) {
            // The p12 holds the issuing CA too; Java lists it apart.
            for (String al : Collections.list(ks.aliases())) {
                java.security.cert.Certificate c = ks.getCertificate(al);
                if (c != null && !c.equals(chain.get(0))) chain.add((X509Certificate) c);
            }
        }
        return new Identity(k, chain.get(0), chain);
    }

    static void writeBase(File f) throws Exception {
        try (PDDocument doc = new PDDocument()) {
            PDPage first = null;
            for (int i = 1; i <= 2; i++) {
                PDPage p = new PDPage(PDRectangle.A4);
                doc.addPage(p);
                if (first == null) first = p;
                try (PDPageContentStream cs = new PDPageContentStream(doc, p)) {
                    cs.beginText();
                    cs.setFont(PDType1Font.HELVETICA, 14);
                    cs.newLineAtOffset(72, 760);
                    cs.showText("Nghi quyet so 01/2026/NQ-HDND - trang " + i);
                    cs.endText();
                }
            }
            PDAcroForm form = new PDAcroForm(doc);
            doc.getDocumentCatalog().setAcroForm(form);
            PDResources dr = new PDResources();
            dr.put(COSName.getPDFName("Helv"), PDType1Font.HELVETICA);
            form.setDefaultResources(dr);
            form.setDefaultAppearance("/Helv 0 Tf 0 g");
            PDTextField tf = new PDTextField(form);
            tf.setPartialName("ghi_chu");
            tf.setDefaultAppearance("/Helv 12 Tf 0 g");
            form.getFields().add(tf);
            PDAnnotationWidget w = tf.getWidgets().get(0);
            w.setRectangle(new PDRectangle(72, 600, 300, 20));
            w.setPage(first);
            w.setPrinted(true);
            first.getAnnotations().add(w);
            doc.save(f);
        }
    }

    static class Opts {
        String subFilter = "adbe.pkcs7.detached", alg = null, name = null;
        int mdp;
        boolean cades, timestamp, twice, der, noSigningTime;
        static Opts approval() { return new Opts(); }
        static Opts cades() { Opts o = new Opts(); o.subFilter = "ETSI.CAdES.detached"; o.cades = true; return o; }
        Opts alg(String a) { alg = a; return this; }
        Opts subFilter(String s) { subFilter = s; return this; }
        Opts name(String n) { name = n; return this; }
        Opts mdp(int p) { mdp = p; return this; }
        Opts timestamp() { timestamp = true; return this; }
        Opts certsTwice() { twice = true; return this; }
        Opts der() { der = true; return this; }
        Opts noSigningTime() { noSigningTime = true; return this; }
    }

    static Calendar cal(Date d) {
        Calendar c = Calendar.getInstance(TimeZone.getTimeZone("UTC"));
        c.setTime(d);
        return c;
    }

    static void sign(File in, File outFile, Identity id, Opts o) throws Exception {
        try (PDDocument doc = PDDocument.load(in); FileOutputStream fos = new FileOutputStream(outFile)) {
            PDSignature sig = new PDSignature();
            sig.setFilter(PDSignature.FILTER_ADOBE_PPKLITE);
            sig.setSubFilter(COSName.getPDFName(o.subFilter));
            sig.setName(o.name != null ? o.name : id.cert().getSubjectX500Principal().getName());
            sig.setReason(o.mdp > 0 ? "Chứng thực văn bản" : "Phê duyệt nghị quyết");
            sig.setLocation("Tỉnh Thử Nghiệm");
            sig.setSignDate(cal(signTime));
            if (o.mdp > 0) setMDP(doc, sig, o.mdp);
            SignatureOptions so = new SignatureOptions();
            so.setPreferredSignatureSize(40000);
            doc.addSignature(sig, so);
            ExternalSigningSupport ext = doc.saveIncrementalForExternalSigning(fos);
            byte[] content = ext.getContent().readAllBytes();
            ext.setSignature(cms(content, id, o));
            so.close();
        }
    }

    static String defaultAlg(Identity id) {
        return id.key().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
    }

    static byte[] cms(byte[] content, Identity id, Opts o) throws Exception {
        String alg = o.alg != null ? o.alg : defaultAlg(id);
        boolean sha1 = o.subFilter.equals("adbe.pkcs7.sha1");
        ContentSigner cs = new JcaContentSignerBuilder(alg).build(id.key());
        JcaSignerInfoGeneratorBuilder sib = new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build());
        ASN1EncodableVector base = new ASN1EncodableVector();
        if (!o.cades && !o.noSigningTime) {
            base.add(new Attribute(CMSAttributes.signingTime, new DERSet(new Time(signTime))));
        }
        if (o.cades) {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(id.cert().getEncoded());
            SigningCertificateV2 scv2 = new SigningCertificateV2(new ESSCertIDv2[] {
                new ESSCertIDv2(new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256), h) });
            base.add(new Attribute(PKCSObjectIdentifiers.id_aa_signingCertificateV2, new DERSet(scv2)));
        }
        AttributeTable table = new AttributeTable(base);
        boolean dropTime = o.cades || o.noSigningTime;
        sib.setSignedAttributeGenerator(params -> {
            AttributeTable t = new DefaultSignedAttributeTableGenerator(table).getAttributes(params);
            return dropTime ? t.remove(CMSAttributes.signingTime) : t;
        });
        CMSSignedDataGenerator gen = new CMSSignedDataGenerator();
        gen.addSignerInfoGenerator(sib.build(cs, id.cert()));
        List<X509Certificate> certs = new ArrayList<>(id.chain());
        if (o.twice) certs.addAll(id.chain());
        gen.addCertificates(new JcaCertStore(certs));
        CMSSignedData sd;
        if (sha1) {
            // adbe.pkcs7.sha1: the CMS encapsulates the SHA-1 of the signed bytes.
            byte[] d = MessageDigest.getInstance("SHA-1").digest(content);
            sd = gen.generate(new CMSProcessableByteArray(d), true);
        } else {
            sd = gen.generate(new CMSProcessableByteArray(content), false);
        }
        if (o.timestamp) {
            SignerInformation si = sd.getSignerInfos().getSigners().iterator().next();
            byte[] tok = token(MessageDigest.getInstance("SHA-256").digest(si.getSignature()), signTime);
            AttributeTable unsigned = new AttributeTable(new Attribute(PKCSObjectIdentifiers.id_aa_signatureTimeStampToken,
                new DERSet(ASN1Primitive.fromByteArray(tok))));
            si = SignerInformation.replaceUnsignedAttributes(si, unsigned);
            sd = CMSSignedData.replaceSigners(sd, new SignerInformationStore(si));
        }
        // BouncyCastle writes SignedData in BER (indefinite lengths) unless asked for DER.
        return o.der ? sd.getEncoded("DER") : sd.getEncoded();
    }

    // token is an RFC 3161 time-stamp token over a SHA-256 digest, from the
    // in-process authority, at time t.
    static byte[] token(byte[] digest, Date t) throws Exception {
        TimeStampTokenGenerator g = new TimeStampTokenGenerator(
            new JcaSimpleSignerInfoGeneratorBuilder().build("SHA256withRSA", tsa.key(), tsa.cert()),
            new JcaDigestCalculatorProviderBuilder().build().get(new AlgorithmIdentifier(OIWObjectIdentifiers.idSHA1)),
            new ASN1ObjectIdentifier("1.3.6.1.4.1.99999.1"));
        g.addCertificates(new JcaCertStore(tsa.chain()));
        TimeStampRequestGenerator rg = new TimeStampRequestGenerator();
        rg.setCertReq(true);
        TimeStampRequest req = rg.generate(TSPAlgorithms.SHA256, digest, BigInteger.valueOf(t.getTime()));
        TimeStampToken tok = g.generate(req, BigInteger.valueOf(t.getTime() / 1000), t);
        return tok.getEncoded();
    }

    // setMDP makes sig a certification signature with permission level p
    // (ISO 32000-2, 12.8.2.2), as PDFBox's own examples do.
    static void setMDP(PDDocument doc, PDSignature sig, int p) {
        COSDictionary params = new COSDictionary();
        params.setItem(COSName.TYPE, COSName.getPDFName("TransformParams"));
        params.setInt(COSName.P, p);
        params.setName(COSName.V, "1.2");
        COSDictionary ref = new COSDictionary();
        ref.setItem(COSName.TYPE, COSName.getPDFName("SigRef"));
        ref.setItem(COSName.getPDFName("TransformMethod"), COSName.DOCMDP);
        ref.setItem(COSName.getPDFName("DigestMethod"), COSName.getPDFName("SHA1"));
        ref.setItem(COSName.getPDFName("TransformParams"), params);
        COSArray refs = new COSArray();
        refs.add(ref);
        sig.getCOSObject().setItem(COSName.getPDFName("Reference"), refs);
        COSDictionary perms = new COSDictionary();
        perms.setItem(COSName.DOCMDP, sig);
        COSDictionary cat = doc.getDocumentCatalog().getCOSObject();
        cat.setItem(COSName.PERMS, perms);
        cat.setNeedToBeUpdated(true);
    }

    // touch marks the catalog and page tree for an incremental save: PDFBox 2
    // writes a changed object only when its parents up to the catalog are
    // marked too.
    static void touch(PDDocument doc) {
        doc.getDocumentCatalog().getCOSObject().setNeedToBeUpdated(true);
        doc.getPages().getCOSObject().setNeedToBeUpdated(true);
        for (PDPage p : doc.getPages()) p.getCOSObject().setNeedToBeUpdated(true);
    }

    static void fillForm(File in, File outFile) throws Exception {
        try (PDDocument doc = PDDocument.load(in); FileOutputStream fos = new FileOutputStream(outFile)) {
            PDAcroForm form = doc.getDocumentCatalog().getAcroForm();
            PDField f = form.getField("ghi_chu");
            touch(doc);
            form.getCOSObject().setNeedToBeUpdated(true);
            f.setValue("Da xem xet");
            f.getCOSObject().setNeedToBeUpdated(true);
            for (PDAnnotationWidget w : f.getWidgets()) {
                w.getCOSObject().setNeedToBeUpdated(true);
                if (w.getAppearance() != null) {
                    w.getAppearance().getCOSObject().setNeedToBeUpdated(true);
                }
            }
            doc.saveIncremental(fos);
        }
    }

    static void annotate(File in, File outFile) throws Exception {
        try (PDDocument doc = PDDocument.load(in); FileOutputStream fos = new FileOutputStream(outFile)) {
            PDPage p = doc.getPage(0);
            touch(doc);
            PDAnnotationText note = new PDAnnotationText();
            note.setRectangle(new PDRectangle(400, 700, 20, 20));
            note.setContents("Ghi chu cua dai bieu");
            note.setPage(p);
            p.getAnnotations().add(note);
            p.getCOSObject().setNeedToBeUpdated(true);
            COSBase annots = p.getCOSObject().getItem(COSName.ANNOTS);
            if (annots instanceof COSObject && ((COSObject) annots).getObject() instanceof COSUpdateInfo) {
                ((COSUpdateInfo) ((COSObject) annots).getObject()).setNeedToBeUpdated(true);
            }
            if (annots instanceof COSArray) ((COSArray) annots).setNeedToBeUpdated(true);
            note.getCOSObject().setNeedToBeUpdated(true);
            doc.saveIncremental(fos);
        }
    }

    static void changeContent(File in, File outFile) throws Exception {
        try (PDDocument doc = PDDocument.load(in); FileOutputStream fos = new FileOutputStream(outFile)) {
            PDPage p = doc.getPage(0);
            touch(doc);
            try (PDPageContentStream cs = new PDPageContentStream(doc, p, PDPageContentStream.AppendMode.APPEND, true)) {
                cs.beginText();
                cs.setFont(PDType1Font.HELVETICA, 14);
                cs.newLineAtOffset(72, 730);
                cs.showText("Muc chi tang len 500 trieu dong");
                cs.endText();
            }
            p.getCOSObject().setNeedToBeUpdated(true);
            doc.saveIncremental(fos);
        }
    }

    static void addPage(File in, File outFile) throws Exception {
        try (PDDocument doc = PDDocument.load(in); FileOutputStream fos = new FileOutputStream(outFile)) {
            PDPage p = new PDPage(PDRectangle.A4);
            doc.addPage(p);
            touch(doc);
            doc.getPages().getCOSObject().setNeedToBeUpdated(true);
            p.getCOSObject().setNeedToBeUpdated(true);
            doc.saveIncremental(fos);
        }
    }

    static COSStream stream(PDDocument doc, byte[] b) throws IOException {
        COSStream s = doc.getDocument().createCOSStream();
        try (OutputStream os = s.createOutputStream(COSName.FLATE_DECODE)) {
            os.write(b);
        }
        s.setNeedToBeUpdated(true);
        return s;
    }

    // addDSS adds a document security store with the chains and CRLs, and a
    // VRI entry for each signature (PAdES B-LT), as an incremental update.
    static void addDSS(File in, File outFile) throws Exception {
        try (PDDocument doc = PDDocument.load(in); FileOutputStream fos = new FileOutputStream(outFile)) {
            COSArray certs = new COSArray(), crls = new COSArray();
            for (X509Certificate c : List.of(inter, root, tsa.cert())) certs.add(stream(doc, c.getEncoded()));
            crls.add(stream(doc, interCRL));
            crls.add(stream(doc, rootCRL));
            COSDictionary vri = new COSDictionary();
            for (PDSignature s : doc.getSignatureDictionaries()) {
                byte[] contents = s.getContents(new FileInputStream(in));
                String key = hex(MessageDigest.getInstance("SHA-1").digest(contents));
                COSDictionary v = new COSDictionary();
                v.setItem(COSName.getPDFName("Cert"), certs);
                v.setItem(COSName.getPDFName("CRL"), crls);
                vri.setItem(COSName.getPDFName(key), v);
            }
            COSDictionary dss = new COSDictionary();
            dss.setItem(COSName.getPDFName("Certs"), certs);
            dss.setItem(COSName.getPDFName("CRLs"), crls);
            dss.setItem(COSName.getPDFName("VRI"), vri);
            dss.setNeedToBeUpdated(true);
            COSDictionary cat = doc.getDocumentCatalog().getCOSObject();
            cat.setItem(COSName.getPDFName("DSS"), dss);
            cat.setNeedToBeUpdated(true);
            doc.saveIncremental(fos);
        }
    }

    static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) sb.append(String.format("%02X", x));
        return sb.toString();
    }

    // docTimestamp adds a document timestamp (ETSI.RFC3161) at the later time.
    static void docTimestamp(File in, File outFile) throws Exception {
        try (PDDocument doc = PDDocument.load(in); FileOutputStream fos = new FileOutputStream(outFile)) {
            PDSignature sig = new PDSignature();
            sig.setType(COSName.DOC_TIME_STAMP);
            sig.setFilter(PDSignature.FILTER_ADOBE_PPKLITE);
            sig.setSubFilter(COSName.getPDFName("ETSI.RFC3161"));
            SignatureOptions so = new SignatureOptions();
            so.setPreferredSignatureSize(20000);
            doc.addSignature(sig, so);
            ExternalSigningSupport ext = doc.saveIncrementalForExternalSigning(fos);
            byte[] content = ext.getContent().readAllBytes();
            ext.setSignature(token(MessageDigest.getInstance("SHA-256").digest(content), laterTime));
            so.close();
        }
    }
}

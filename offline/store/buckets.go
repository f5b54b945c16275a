package store

// Buckets, declared once. Keys are strings unless noted.
var (
	bucketMeta      = []byte("meta")      // "schema" → big-endian uint32 version
	bucketKeys      = []byte("keys")      // "host" → Ed25519 private key seed
	bucketPins      = []byte("pins")      // meeting ID → pinned host fingerprint
	bucketPackages  = []byte("packages")  // meeting ID → verified package a delegate holds (complete)
	bucketPending   = []byte("pending")   // meeting ID → verified package still downloading
	bucketPublished = []byte("published") // meeting ID → package this host publishes
	bucketSeen      = []byte("seen")      // meeting ID → JSON of the last changes shown (added in schema 2)
	bucketOutbox    = []byte("outbox")    // dossier ID → JSON outbox entry, as offline/outbox encodes it (added in schema 3)
	bucketDrafts    = []byte("drafts")    // dossier ID → draft dossier encrypted by offline/vault (added in schema 4)
	bucketIngested  = []byte("ingested")  // central: dossier ID → JSON record of an ingested dossier (schema 5)
	bucketReceipts  = []byte("receipts")  // central: receipt code → dossier ID (schema 5)
	bucketDevices   = []byte("devices")   // central: enrolled device ID → JSON (schema 5)
)

// allBuckets lists every bucket of the current schema.
var allBuckets = [][]byte{bucketMeta, bucketKeys, bucketPins, bucketPackages, bucketPending, bucketPublished, bucketSeen, bucketOutbox, bucketDrafts, bucketIngested, bucketReceipts, bucketDevices}

var keySchema = []byte("schema")

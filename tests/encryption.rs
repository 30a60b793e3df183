#![cfg(feature = "encryption")]
//! encryptionKey encrypts the local file; the wrong key is a clear error.

use pingtopass_db_performance::config::{resolve, Raw};
use pingtopass_db_performance::db::{Database, RawParams, RawStatement, Request};
use std::sync::Arc;

fn open(path: &std::path::Path, key: Option<&str>) -> Arc<Database> {
    let mut o = vec![("url".to_string(), Raw::Str(format!("file:{}", path.display())))];
    if let Some(k) = key {
        o.push(("encryptionKey".to_string(), Raw::Str(k.to_string())));
    }
    Database::open(resolve(None, &o, &|_| None).expect("config"))
}

fn run(db: &Arc<Database>, sql: &str) -> serde_json::Value {
    let req = Request::Execute { stmt: RawStatement { sql: Arc::from(sql), params: RawParams::None }, cache: false, ttl: None };
    let json = pingtopass_db_performance::runtime::handle().block_on(db.run(vec![req]));
    serde_json::from_str::<Vec<serde_json::Value>>(&json).expect("json").remove(0)
}

#[test]
fn encrypted_file_needs_its_key() {
    let dir = std::env::temp_dir().join(format!("ptp-enc-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let path = dir.join("secret.db");
    let rt = pingtopass_db_performance::runtime::handle();
    let db = open(&path, Some("correct horse battery staple"));
    assert!(run(&db, "CREATE TABLE s (v TEXT)").get("$error").is_none());
    assert!(run(&db, "INSERT INTO s VALUES ('plaintext-marker-xyz')").get("$error").is_none());
    assert!(run(&db, "CREATE VIRTUAL TABLE f USING fts5(x)").get("$error").is_none(), "FTS5 in the cipher build");
    run(&db, "PRAGMA wal_checkpoint(TRUNCATE)");
    rt.block_on(db.close());
    let bytes = std::fs::read(&path).expect("file");
    assert!(!bytes.windows(20).any(|w| w == b"plaintext-marker-xyz"), "the file must not hold plaintext");

    let again = open(&path, Some("correct horse battery staple"));
    assert_eq!(run(&again, "SELECT v FROM s")["rows"][0][0], "plaintext-marker-xyz");
    rt.block_on(again.close());

    for key in [Some("wrong key"), None] {
        let bad = open(&path, key);
        let err = rt.block_on(bad.ready()).err().expect("a wrong key must fail");
        assert!(!err.message.contains("correct horse"), "{err}");
        assert!(!err.message.contains("wrong key"), "{err}");
        assert_eq!(err.code, "ERR_ENCRYPTION_KEY", "{err}");
    }
}

// Replaces data.txt with a new version N times, the way editors and config stores do: write
// data.tmp, sync_data (fdatasync) it, rename it over data.txt, then print N (the acknowledgement).
// With "dirsync" the directory is fsynced after the rename, which is what makes the new name
// durable (rename(2) alone does not); with "nodirsync" it is not.
use std::fs::{self, File};
use std::io::Write;

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let dir_sync = args[1] == "dirsync";
    let n: u32 = args[2].parse().expect("count");
    for i in 1..=n {
        let mut file = File::create("data.tmp")?;
        file.write_all(format!("version {}\n", i).as_bytes())?;
        file.sync_data()?;
        drop(file);
        fs::rename("data.tmp", "data.txt")?;
        if dir_sync {
            File::open(".")?.sync_all()?;
        }
        println!("{}", i);
    }
    Ok(())
}

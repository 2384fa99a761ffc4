//! The shared ticket sequence per queue and business day, and the blocks of numbers
//! reserved for kiosks to issue from while the office cannot be reached.

use anyhow::{bail, Context, Result};
use chrono::NaiveDate;

use super::devices::Device;
use super::sites::SiteId;
use super::values::day;
use super::OfficeStore;
use crate::office::db::{sql_params, Tx};

/// The first number of the offline region: online numbers start at 1, offline blocks here.
pub const BLOCK_BASE: u32 = 501;

/// A range of numbers a kiosk may issue from without asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumberBlock {
    /// First number of the block.
    pub first: u32,
    /// Last number of the block.
    pub last: u32,
}

impl OfficeStore {
    /// The next online number for a queue and day, jumping over offline blocks; the same
    /// ticket id always gets the same number, so a retried request does not burn one.
    pub fn next_number(
        &mut self,
        site: SiteId,
        ticket_id: &str,
        queue: &str,
        date: NaiveDate,
    ) -> Result<u32> {
        let date = day(date);
        let number = self.write(|tx| {
            // The day's row first: another office's grant for this ticket, if any, is
            // committed and visible once the lock is ours.
            let (last, _) = lock_day(tx, site, queue, &date)?;
            if let Some(row) = tx.query_opt(
                "SELECT number, site_id FROM number_grant WHERE ticket_id = ?1",
                sql_params![ticket_id],
            )? {
                if row.int(1)? != site.0 {
                    bail!("ticket {ticket_id} already has a number at another site");
                }
                return row.int(0);
            }
            let n = next_online(tx, site, queue, &date, last)?;
            tx.execute(
                "INSERT INTO number_grant (ticket_id, queue, business_date, number, site_id)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                sql_params![ticket_id, queue, &date, n, site.0],
            )?;
            Ok(n)
        })?;
        u32::try_from(number).context("ticket number out of range")
    }

    /// Block `seq` of a kiosk for a queue and day, carved from the offline region on first
    /// request; asking again with the same `seq` returns the same block, whatever `size`.
    pub fn reserve_block(
        &mut self,
        device: &Device,
        queue: &str,
        date: NaiveDate,
        seq: u32,
        size: u32,
    ) -> Result<NumberBlock> {
        if size == 0 {
            bail!("a number block needs at least one number");
        }
        let date = day(date);
        let site = device
            .site()
            .context("only a kiosk of a site holds number blocks")?;
        let (first, last) = self.write(|tx| {
            let (last_online, next_block) = lock_day(tx, site, queue, &date)?;
            if let Some(row) = tx.query_opt(
                "SELECT first_number, last_number FROM number_block
                 WHERE device_id = ?1 AND queue = ?2 AND business_date = ?3 AND seq = ?4",
                sql_params![&device.id, queue, &date, seq],
            )? {
                return Ok((row.int(0)?, row.int(1)?));
            }
            // Past every block and every online number given so far: online numbers jump
            // over the block from now on.
            let first = next_block
                .unwrap_or(i64::from(BLOCK_BASE))
                .max(last_online + 1);
            let last = first + i64::from(size) - 1;
            tx.execute(
                "UPDATE queue_day SET next_block = ?3 WHERE queue = ?1 AND business_date = ?2 AND site_id = ?4",
                sql_params![queue, &date, last + 1, site.0],
            )?;
            tx.execute(
                "INSERT INTO number_block (device_id, queue, business_date, seq, first_number, last_number, site_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                sql_params![&device.id, queue, &date, seq, first, last, site.0],
            )?;
            Ok((first, last))
        })?;
        Ok(NumberBlock {
            first: u32::try_from(first).context("block out of range")?,
            last: u32::try_from(last).context("block out of range")?,
        })
    }
}

/// Locks the (queue, day) row, creating it if needed, and returns its last online number and
/// where the next block starts: on PostgreSQL the insert-or-update holds the row until the
/// commit, so two offices hand out numbers of one day in turn.
fn lock_day(tx: &mut Tx, site: SiteId, queue: &str, date: &str) -> Result<(i64, Option<i64>)> {
    let row = tx.query_one(
        "INSERT INTO queue_day (queue, business_date, last_number, site_id) VALUES (?1, ?2, 0, ?3)
         ON CONFLICT (site_id, queue, business_date) DO UPDATE SET last_number = queue_day.last_number
         RETURNING last_number, next_block",
        sql_params![queue, date, site.0],
    )?;
    Ok((row.int(0)?, row.opt_int(1)?))
}

/// The next online number after `last`, jumping over every offline block in the way; the
/// day's row must be locked ([`lock_day`]).
fn next_online(tx: &mut Tx, site: SiteId, queue: &str, date: &str, last: i64) -> Result<i64> {
    let mut n = last + 1;
    // Blocks may touch each other, so jump until n lies in none.
    while let Some(end) = tx
        .query_one(
            "SELECT MAX(last_number) FROM number_block
             WHERE site_id = ?4 AND queue = ?1 AND business_date = ?2 AND first_number <= ?3 AND last_number >= ?3",
            sql_params![queue, date, n, site.0],
        )?
        .opt_int(0)?
    {
        n = end + 1;
    }
    tx.execute(
        "UPDATE queue_day SET last_number = ?3 WHERE queue = ?1 AND business_date = ?2 AND site_id = ?4",
        sql_params![queue, date, n, site.0],
    )?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    #[allow(unused_imports)]
    use crate::office::store::S1;
    use std::collections::HashSet;

    use super::*;
    use crate::office::store::fixtures::*;
    use crate::office::test_db::{both_backends, Backend};

    both_backends! {
        online_numbers_count_from_one_and_blocks_from_the_offline_region,
        online_numbers_jump_over_blocks_after_500_and_blocks_start_past_them,
        no_number_is_given_twice_whatever_the_interleaving,
    }

    fn online_numbers_count_from_one_and_blocks_from_the_offline_region(b: Backend) {
        let (_db, mut s) = open(b);
        let k1 = kiosk(&mut s, "K1");
        let k2 = kiosk(&mut s, "K2");
        assert_eq!(s.next_number(S1, "t1", "A", d()).unwrap(), 1);
        assert_eq!(
            s.next_number(S1, "t1", "A", d()).unwrap(),
            1,
            "a retry keeps its number"
        );
        let b1 = s.reserve_block(&k1, "A", d(), 0, 50).unwrap();
        let b2 = s.reserve_block(&k2, "A", d(), 0, 50).unwrap();
        assert_eq!((b1.first, b1.last), (501, 550));
        assert_eq!((b2.first, b2.last), (551, 600));
        assert_eq!(
            s.reserve_block(&k1, "A", d(), 0, 20).unwrap(),
            b1,
            "the same seq is the same block"
        );
        let b3 = s.reserve_block(&k1, "A", d(), 1, 50).unwrap();
        assert_eq!(
            (b3.first, b3.last),
            (601, 650),
            "a new seq carves a further block"
        );
        assert_eq!(s.next_number(S1, "t2", "A", d()).unwrap(), 2);
        assert_eq!(
            s.next_number(S1, "t3", "B", d()).unwrap(),
            1,
            "queues count apart"
        );
        let b4 = s.reserve_block(&k1, "B", d(), 0, 10).unwrap();
        assert_eq!((b4.first, b4.last), (501, 510));
        let tomorrow = d().succ_opt().unwrap();
        assert_eq!(
            s.next_number(S1, "t4", "A", tomorrow).unwrap(),
            1,
            "days count apart"
        );
        assert!(s.reserve_block(&k1, "C", d(), 0, 0).is_err());
    }

    fn online_numbers_jump_over_blocks_after_500_and_blocks_start_past_them(b: Backend) {
        let (_db, mut s) = open(b);
        let k1 = kiosk(&mut s, "K1");
        let k2 = kiosk(&mut s, "K2");
        let b1 = s.reserve_block(&k1, "A", d(), 0, 50).unwrap();
        let b2 = s.reserve_block(&k2, "A", d(), 0, 50).unwrap();
        let online: Vec<u32> = (0..510)
            .map(|i| s.next_number(S1, &format!("t{i}"), "A", d()).unwrap())
            .collect();
        assert_eq!(online[499], 500);
        assert_eq!(online[500], 601, "both touching blocks are jumped over");
        assert_eq!((b1.last, b2.first), (550, 551));
        let b3 = s.reserve_block(&k1, "A", d(), 1, 50).unwrap();
        assert_eq!(b3.first, 611, "past the last online number");
        assert_eq!(s.next_number(S1, "t-next", "A", d()).unwrap(), 661);
    }

    /// Tiny deterministic generator (xorshift64*).
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
        }
    }

    fn no_number_is_given_twice_whatever_the_interleaving(b: Backend) {
        for seed in [1u64, 7, 0x9E37_79B9_7F4A_7C15] {
            let (_db, mut s) = open(b);
            let devices: Vec<Device> = (0..4).map(|i| kiosk(&mut s, &format!("K{i}"))).collect();
            let mut rng = Rng(seed);
            let mut taken: HashSet<u32> = HashSet::new();
            let mut online = Vec::new();
            let mut blocks: Vec<(usize, u32, NumberBlock)> = Vec::new();
            let mut seqs = [0u32; 4];
            for step in 0..1500 {
                if rng.below(10) == 0 {
                    let k = rng.below(4) as usize;
                    let size = 1 + rng.below(80) as u32;
                    let b = s
                        .reserve_block(&devices[k], "A", d(), seqs[k], size)
                        .unwrap();
                    assert_eq!(b.last - b.first + 1, size);
                    for n in b.first..=b.last {
                        assert!(taken.insert(n), "seed {seed}: {n} given twice (block)");
                    }
                    blocks.push((k, seqs[k], b));
                    seqs[k] += 1;
                } else {
                    let n = s.next_number(S1, &format!("t{step}"), "A", d()).unwrap();
                    assert!(taken.insert(n), "seed {seed}: {n} given twice (online)");
                    online.push((step, n));
                }
            }
            assert!(
                online.windows(2).all(|w| w[0].1 < w[1].1),
                "online numbers rise"
            );
            assert!(
                online.last().unwrap().1 > 500,
                "online passed the offline region"
            );
            assert!(blocks.iter().all(|(_, _, b)| b.first >= BLOCK_BASE));
            // Retries return what was given, and give nothing new.
            for (k, seq, b) in &blocks {
                assert_eq!(
                    s.reserve_block(&devices[*k], "A", d(), *seq, 5).unwrap(),
                    *b
                );
            }
            let (step, n) = online[3];
            assert_eq!(s.next_number(S1, &format!("t{step}"), "A", d()).unwrap(), n);
        }
    }
}

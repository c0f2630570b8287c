//! Message digests for Step Functions' `$hash` (MD5, SHA-1, SHA-256, SHA-384, SHA-512),
//! written here to avoid five crates for one function.

fn pad(data: &[u8], block: usize, len_bytes: usize, big_endian: bool) -> Vec<u8> {
    let mut m = data.to_vec();
    let bit_len = (data.len() as u128) * 8;
    m.push(0x80);
    while m.len() % block != block - len_bytes {
        m.push(0);
    }
    let bytes = bit_len.to_be_bytes();
    if big_endian {
        m.extend_from_slice(&bytes[16 - len_bytes..]);
    } else {
        let le = (bit_len as u64).to_le_bytes();
        m.extend_from_slice(&le[..len_bytes.min(8)]);
    }
    m
}

fn md5(data: &[u8]) -> Vec<u8> {
    const S: [u32; 64] = [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5,
        9, 14, 20, 5, 9, 14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10,
        15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
    ];
    let k: Vec<u32> = (0..64)
        .map(|i| ((i as f64 + 1.0).sin().abs() * 4_294_967_296.0) as u32)
        .collect();
    let mut h: [u32; 4] = [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476];
    for chunk in pad(data, 64, 8, false).chunks(64) {
        let w: Vec<u32> = chunk
            .chunks(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        let [mut a, mut b, mut c, mut d] = h;
        for i in 0..64 {
            let (f, g) = match i / 16 {
                0 => ((b & c) | (!b & d), i),
                1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
                2 => (b ^ c ^ d, (3 * i + 5) % 16),
                _ => (c ^ (b | !d), (7 * i) % 16),
            };
            let f2 = f.wrapping_add(a).wrapping_add(k[i]).wrapping_add(w[g]);
            a = d;
            d = c;
            c = b;
            b = b.wrapping_add(f2.rotate_left(S[i]));
        }
        h[0] = h[0].wrapping_add(a);
        h[1] = h[1].wrapping_add(b);
        h[2] = h[2].wrapping_add(c);
        h[3] = h[3].wrapping_add(d);
    }
    h.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn sha1(data: &[u8]) -> Vec<u8> {
    let mut h: [u32; 5] = [
        0x6745_2301,
        0xEFCD_AB89,
        0x98BA_DCFE,
        0x1032_5476,
        0xC3D2_E1F0,
    ];
    for chunk in pad(data, 64, 8, true).chunks(64) {
        let mut w = [0u32; 80];
        for i in 0..16 {
            w[i] = u32::from_be_bytes([
                chunk[4 * i],
                chunk[4 * i + 1],
                chunk[4 * i + 2],
                chunk[4 * i + 3],
            ]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (i, wi) in w.iter().enumerate() {
            let (f, k) = match i / 20 {
                0 => ((b & c) | (!b & d), 0x5A82_7999),
                1 => (b ^ c ^ d, 0x6ED9_EBA1),
                2 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
                _ => (b ^ c ^ d, 0xCA62_C1D6),
            };
            let t = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(*wi);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = t;
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e]) {
            *x = x.wrapping_add(y);
        }
    }
    h.iter().flat_map(|x| x.to_be_bytes()).collect()
}

fn primes(n: usize) -> Vec<u64> {
    let mut out = Vec::new();
    let mut c = 2u64;
    while out.len() < n {
        if (2..c)
            .take_while(|d| d * d <= c)
            .all(|d| !c.is_multiple_of(d))
        {
            out.push(c);
        }
        c += 1;
    }
    out
}

/// Fractional bits of the root of a prime, as 64-bit values (exact via integer roots).
fn frac_root_bits(p: u64, root: u32) -> u64 {
    // floor(p^(1/root) * 2^64) mod 2^64, computed with u128 binary search
    let scale_bits = 64u32;
    let target_hi = p as u128; // p * 2^(64*root) compared via checked arithmetic
    let mut lo: u128 = 0;
    let mut hi: u128 = (p as u128 + 1) << scale_bits;
    let pow_cmp = |x: u128| -> std::cmp::Ordering {
        // compare x^root with p * 2^(64*root) using big arithmetic on limbs
        let mut acc = vec![1u128];
        for _ in 0..root {
            acc = mul_big(&acc, x);
        }
        let mut target = vec![0u128; (root as usize * 64) / 64];
        target.push(target_hi);
        cmp_big(&acc, &target)
    };
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if pow_cmp(mid) == std::cmp::Ordering::Greater {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    lo as u64
}

/// Little-endian base-2^64 big integers stored in u128 limbs (each < 2^64).
fn mul_big(a: &[u128], x: u128) -> Vec<u128> {
    let xl = x & 0xFFFF_FFFF_FFFF_FFFF;
    let xh = x >> 64;
    let mut out = vec![0u128; a.len() + 2];
    for (i, &ai) in a.iter().enumerate() {
        let lo = ai * xl;
        let hi = ai * xh;
        add_at(&mut out, i, lo);
        add_at(&mut out, i + 1, hi);
    }
    while out.len() > 1 && *out.last().unwrap_or(&1) == 0 {
        out.pop();
    }
    out
}

fn add_at(v: &mut Vec<u128>, mut i: usize, mut x: u128) {
    while x != 0 {
        if i >= v.len() {
            v.push(0);
        }
        let s = v[i] + (x & 0xFFFF_FFFF_FFFF_FFFF);
        v[i] = s & 0xFFFF_FFFF_FFFF_FFFF;
        x = (x >> 64) + (s >> 64);
        i += 1;
    }
}

fn cmp_big(a: &[u128], b: &[u128]) -> std::cmp::Ordering {
    let n = a.len().max(b.len());
    for i in (0..n).rev() {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        if x != y {
            return x.cmp(&y);
        }
    }
    std::cmp::Ordering::Equal
}

fn sha256(data: &[u8]) -> Vec<u8> {
    let ps = primes(64);
    let k: Vec<u32> = ps
        .iter()
        .map(|&p| (frac_root_bits(p, 3) >> 32) as u32)
        .collect();
    let mut h: Vec<u32> = ps[..8]
        .iter()
        .map(|&p| (frac_root_bits(p, 2) >> 32) as u32)
        .collect();
    for chunk in pad(data, 64, 8, true).chunks(64) {
        let mut w = [0u32; 64];
        for i in 0..16 {
            w[i] = u32::from_be_bytes([
                chunk[4 * i],
                chunk[4 * i + 1],
                chunk[4 * i + 2],
                chunk[4 * i + 3],
            ]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let mut v = h.clone();
        for i in 0..64 {
            let s1 = v[4].rotate_right(6) ^ v[4].rotate_right(11) ^ v[4].rotate_right(25);
            let ch = (v[4] & v[5]) ^ (!v[4] & v[6]);
            let t1 = v[7]
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(k[i])
                .wrapping_add(w[i]);
            let s0 = v[0].rotate_right(2) ^ v[0].rotate_right(13) ^ v[0].rotate_right(22);
            let maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
            let t2 = s0.wrapping_add(maj);
            v.rotate_right(1);
            v[0] = t1.wrapping_add(t2);
            v[4] = v[4].wrapping_add(t1);
        }
        for (x, y) in h.iter_mut().zip(v) {
            *x = x.wrapping_add(y);
        }
    }
    h.iter().flat_map(|x| x.to_be_bytes()).collect()
}

fn sha512(data: &[u8], out_words: usize, init_from_primes: std::ops::Range<usize>) -> Vec<u8> {
    let ps = primes(80);
    let k: Vec<u64> = ps.iter().map(|&p| frac_root_bits(p, 3)).collect();
    let mut h: Vec<u64> = if init_from_primes.start == 0 {
        ps[..8].iter().map(|&p| frac_root_bits(p, 2)).collect()
    } else {
        primes(16)[8..16]
            .iter()
            .map(|&p| frac_root_bits(p, 2))
            .collect()
    };
    for chunk in pad(data, 128, 16, true).chunks(128) {
        let mut w = [0u64; 80];
        for i in 0..16 {
            let mut b = [0u8; 8];
            b.copy_from_slice(&chunk[8 * i..8 * i + 8]);
            w[i] = u64::from_be_bytes(b);
        }
        for i in 16..80 {
            let s0 = w[i - 15].rotate_right(1) ^ w[i - 15].rotate_right(8) ^ (w[i - 15] >> 7);
            let s1 = w[i - 2].rotate_right(19) ^ w[i - 2].rotate_right(61) ^ (w[i - 2] >> 6);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let mut v = h.clone();
        for i in 0..80 {
            let s1 = v[4].rotate_right(14) ^ v[4].rotate_right(18) ^ v[4].rotate_right(41);
            let ch = (v[4] & v[5]) ^ (!v[4] & v[6]);
            let t1 = v[7]
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(k[i])
                .wrapping_add(w[i]);
            let s0 = v[0].rotate_right(28) ^ v[0].rotate_right(34) ^ v[0].rotate_right(39);
            let maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
            let t2 = s0.wrapping_add(maj);
            v.rotate_right(1);
            v[0] = t1.wrapping_add(t2);
            v[4] = v[4].wrapping_add(t1);
        }
        for (x, y) in h.iter_mut().zip(v) {
            *x = x.wrapping_add(y);
        }
    }
    h.iter()
        .take(out_words)
        .flat_map(|x| x.to_be_bytes())
        .collect()
}

/// Lower-case hex digest, or `None` for an unknown algorithm name.
pub fn hex_digest(algorithm: &str, data: &[u8]) -> Option<String> {
    let bytes = match algorithm {
        "MD5" => md5(data),
        "SHA-1" => sha1(data),
        "SHA-256" => sha256(data),
        "SHA-384" => sha512(data, 6, 8..16),
        "SHA-512" => sha512(data, 8, 0..8),
        _ => return None,
    };
    Some(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::hex_digest;

    #[test]
    fn known_digests_of_abc() {
        assert_eq!(
            hex_digest("MD5", b"abc").unwrap(),
            "900150983cd24fb0d6963f7d28e17f72"
        );
        assert_eq!(
            hex_digest("SHA-1", b"abc").unwrap(),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(
            hex_digest("SHA-256", b"abc").unwrap(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hex_digest("SHA-384", b"abc").unwrap(),
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"
        );
        assert_eq!(
            hex_digest("SHA-512", b"abc").unwrap(),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
        );
        assert_eq!(
            hex_digest("MD5", b"").unwrap(),
            "d41d8cd98f00b204e9800998ecf8427e"
        );
        assert!(hex_digest("SHA-3", b"").is_none());
    }
}

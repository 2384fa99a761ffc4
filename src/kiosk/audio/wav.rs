//! WAV in and out, and the conversion of synthesised speech to the clips' format.

/// The sample rate of every clip and of what the speaker plays.
pub const SAMPLE_RATE: u32 = 16_000;

/// A PCM WAV file's format and samples.
pub(super) struct Wav<'a> {
    pub(super) rate: u32,
    pub(super) channels: u16,
    /// Little-endian 16-bit samples, channels interleaved.
    pub(super) data: &'a [u8],
}

/// Reads a 16-bit PCM WAV. A data chunk longer than the file (espeak-ng writing to a pipe
/// cannot know the length, and says 0x7ffff000) is cut at the end of the file.
pub(super) fn parse(bytes: &[u8]) -> Result<Wav<'_>, String> {
    let u16_at = |i: usize| u16::from_le_bytes([bytes[i], bytes[i + 1]]);
    let u32_at =
        |i: usize| u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    if bytes.len() < 12 || &bytes[0..4] != b"RIFF" || &bytes[8..12] != b"WAVE" {
        return Err("not a RIFF/WAVE file".into());
    }
    let (mut pos, mut format) = (12, None);
    while pos + 8 <= bytes.len() {
        let (id, size) = (&bytes[pos..pos + 4], u32_at(pos + 4) as usize);
        let body = pos + 8;
        if id == b"fmt " && body + 16 <= bytes.len() {
            let (tag, channels, bits) = (u16_at(body), u16_at(body + 2), u16_at(body + 14));
            if tag != 1 || bits != 16 || channels == 0 {
                return Err(format!(
                    "format {tag}, {channels} channels, {bits} bits; want 16-bit PCM"
                ));
            }
            format = Some((u32_at(body + 4), channels));
        } else if id == b"data" {
            let (rate, channels) = format.ok_or("data before fmt")?;
            let end = body.saturating_add(size).min(bytes.len());
            let frame = 2 * usize::from(channels);
            let end = body + (end - body) / frame * frame;
            if rate == 0 {
                return Err("sample rate 0".into());
            }
            return Ok(Wav {
                rate,
                channels,
                data: &bytes[body..end],
            });
        }
        pos = body.saturating_add(size).saturating_add(size % 2);
    }
    Err("no fmt or data chunk".into())
}

/// The samples of a clip in the speaker's format (16 kHz mono 16-bit), or why not.
pub fn data_chunk(bytes: &[u8]) -> Result<&[u8], String> {
    let w = parse(bytes)?;
    if w.rate != SAMPLE_RATE || w.channels != 1 {
        return Err(format!(
            "{} Hz, {} channels; want {SAMPLE_RATE} Hz mono",
            w.rate, w.channels
        ));
    }
    Ok(w.data)
}

/// The 44-byte header of a 16 kHz mono 16-bit WAV holding `data_len` bytes of samples.
pub(super) fn header(data_len: usize) -> Vec<u8> {
    let data_len = u32::try_from(data_len).unwrap_or(u32::MAX - 36);
    let mut h = Vec::with_capacity(44);
    h.extend_from_slice(b"RIFF");
    h.extend_from_slice(&(36 + data_len).to_le_bytes());
    h.extend_from_slice(b"WAVEfmt ");
    h.extend_from_slice(&16u32.to_le_bytes());
    h.extend_from_slice(&1u16.to_le_bytes());
    h.extend_from_slice(&1u16.to_le_bytes());
    h.extend_from_slice(&SAMPLE_RATE.to_le_bytes());
    h.extend_from_slice(&(SAMPLE_RATE * 2).to_le_bytes());
    h.extend_from_slice(&2u16.to_le_bytes());
    h.extend_from_slice(&16u16.to_le_bytes());
    h.extend_from_slice(b"data");
    h.extend_from_slice(&data_len.to_le_bytes());
    h
}

/// Silence of `ms` milliseconds.
pub(super) fn silence(ms: u32) -> Vec<u8> {
    vec![0; (SAMPLE_RATE as usize * ms as usize / 1000) * 2]
}

/// Synthesised speech made like the recorded clips (assets/voice/clip.sh): mono, 16 kHz,
/// 1.5 dB lower, silence cut at both ends (below 0.5% of full scale before, 0.1% after),
/// then 10 ms of silence before and 40 ms after, so it joins the clips without long gaps.
pub(super) fn speech_like_clips(w: &Wav<'_>) -> Vec<u8> {
    let channels = usize::from(w.channels);
    let mono: Vec<f32> = w
        .data
        .chunks_exact(2 * channels)
        .map(|frame| {
            let sum: f32 = frame
                .chunks_exact(2)
                .map(|s| f32::from(i16::from_le_bytes([s[0], s[1]])))
                .sum();
            sum / channels as f32
        })
        .collect();
    let resampled = resample(&mono, w.rate, SAMPLE_RATE);
    let gain = 10f32.powf(-1.5 / 20.0);
    let start = resampled
        .iter()
        .position(|s| s.abs() * gain > 32767.0 * 0.005);
    let end = resampled
        .iter()
        .rposition(|s| s.abs() * gain > 32767.0 * 0.001);
    let mut out = silence(10);
    if let (Some(start), Some(end)) = (start, end) {
        for s in &resampled[start.min(end)..=end] {
            let v = (s * gain).round().clamp(-32768.0, 32767.0) as i16;
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    out.extend(silence(40));
    out
}

/// Linear interpolation from `from` Hz to `to` Hz; espeak-ng's speech has little above
/// 8 kHz, so the aliasing a filter would prevent is not heard.
fn resample(samples: &[f32], from: u32, to: u32) -> Vec<f32> {
    if from == to || samples.is_empty() {
        return samples.to_vec();
    }
    let len = (samples.len() as u64 * u64::from(to) / u64::from(from)) as usize;
    let step = f64::from(from) / f64::from(to);
    (0..len)
        .map(|i| {
            let pos = i as f64 * step;
            let j = pos as usize;
            let frac = (pos - j as f64) as f32;
            let a = samples[j.min(samples.len() - 1)];
            let b = samples[(j + 1).min(samples.len() - 1)];
            a + (b - a) * frac
        })
        .collect()
}

/// A WAV of `samples` at `rate` with `channels`, its data length unknown as in a pipe.
#[cfg(test)]
pub(super) fn test_wav(rate: u32, channels: u16, samples: &[i16]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(b"RIFF\0\0\0\0WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&channels.to_le_bytes());
    out.extend_from_slice(&rate.to_le_bytes());
    out.extend_from_slice(&(rate * 2 * u32::from(channels)).to_le_bytes());
    out.extend_from_slice(&(2 * channels).to_le_bytes());
    out.extend_from_slice(&16u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&0x7fff_f000u32.to_le_bytes());
    for s in samples {
        out.extend_from_slice(&s.to_le_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_piped_wav_whose_length_is_unknown() {
        let bytes = test_wav(22_050, 1, &[1, 2, 3]);
        let w = parse(&bytes).unwrap();
        assert_eq!((w.rate, w.channels, w.data.len()), (22_050, 1, 6));
        assert!(parse(b"RIFF").is_err());
        assert!(data_chunk(&bytes).unwrap_err().contains("22050 Hz"));
        let mut ours = header(4);
        ours.extend_from_slice(&[1, 0, 2, 0]);
        assert_eq!(data_chunk(&ours).unwrap(), [1, 0, 2, 0]);
        assert_eq!(ours.len(), 48);
        assert_eq!(&ours[4..8], &40u32.to_le_bytes());
    }

    #[test]
    fn synthesised_speech_is_resampled_trimmed_and_padded() {
        // 0.1 s of silence, 0.5 s of a loud tone, 0.1 s of silence, at 22050 Hz in stereo.
        let mut samples = vec![0i16; 2 * 2205];
        samples.extend((0..2 * 11_025).map(|i| if (i / 2) % 20 < 10 { 10_000 } else { -10_000 }));
        samples.extend(vec![0i16; 2 * 2205]);
        let bytes = test_wav(22_050, 2, &samples);
        let out = speech_like_clips(&parse(&bytes).unwrap());
        let seconds = out.len() as f64 / 2.0 / f64::from(SAMPLE_RATE);
        assert!((seconds - 0.55).abs() < 0.01, "{seconds} s");
        let peak = out
            .chunks_exact(2)
            .map(|s| i16::from_le_bytes([s[0], s[1]]).unsigned_abs())
            .max()
            .unwrap();
        assert!((8300..=8500).contains(&peak), "1.5 dB down: {peak}");
        assert_eq!(&out[..320], &[0; 320][..], "10 ms of silence first");
        // Nothing to say: just the padding.
        let quiet = test_wav(22_050, 1, &[0; 100]);
        assert_eq!(speech_like_clips(&parse(&quiet).unwrap()).len(), 1600);
    }
}

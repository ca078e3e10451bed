'use strict';
// A fragmented-MP4 writer for the WebSocket fallback where WebCodecs is missing: the server's AVCC access units become
// one init segment (ftyp + moov with the avcC record) and one moof + mdat per frame, appended to a Media Source
// Extensions SourceBuffer. AVCC's length-prefixed NAL units are what an MP4 sample holds, so the bytes go in unchanged.
window.BackpackMp4 = (() => {
  const TIMESCALE = 90000;
  const text = s => Array.from(s, c => c.charCodeAt(0));
  const u32 = v => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
  const u16 = v => [(v >>> 8) & 255, v & 255];
  const u64 = v => [...u32(Math.floor(v / 4294967296)), ...u32(v >>> 0)];

  function box(type, ...parts) {
    const body = parts.map(p => (p instanceof Uint8Array ? p : Uint8Array.from(p)));
    const size = 8 + body.reduce((n, p) => n + p.length, 0);
    const out = new Uint8Array(size);
    out.set([...u32(size), ...text(type)], 0);
    let at = 8;
    for (const p of body) { out.set(p, at); at += p.length; }
    return out;
  }
  const full = (type, version, flags, ...parts) => box(type, [version, (flags >>> 16) & 255, (flags >>> 8) & 255, flags & 255], ...parts);
  const matrix = [0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 64, 0, 0, 0];

  /** The init segment of a width × height H.264 track whose AVCDecoderConfigurationRecord is `avcc`. */
  function init(width, height, avcc) {
    const sampleEntry = box('avc1',
      [0, 0, 0, 0, 0, 0, ...u16(1), ...u16(0), ...u16(0), ...new Array(12).fill(0), ...u16(width), ...u16(height),
        ...u32(0x00480000), ...u32(0x00480000), ...u32(0), ...u16(1), ...new Array(32).fill(0), ...u16(0x18), ...u16(0xffff)],
      box('avcC', avcc));
    const stbl = box('stbl',
      full('stsd', 0, 0, u32(1), sampleEntry),
      full('stts', 0, 0, u32(0)), full('stsc', 0, 0, u32(0)), full('stsz', 0, 0, u32(0), u32(0)), full('stco', 0, 0, u32(0)));
    const minf = box('minf', full('vmhd', 0, 1, [0, 0, 0, 0, 0, 0, 0, 0]), box('dinf', full('dref', 0, 0, u32(1), full('url ', 0, 1))), stbl);
    const mdia = box('mdia',
      full('mdhd', 0, 0, u32(0), u32(0), u32(TIMESCALE), u32(0), u16(0x55c4), u16(0)),
      full('hdlr', 0, 0, u32(0), text('vide'), new Array(12).fill(0), [...text('Backpack'), 0]),
      minf);
    const trak = box('trak',
      full('tkhd', 0, 3, u32(0), u32(0), u32(1), u32(0), u32(0), new Array(8).fill(0), u16(0), u16(0), u16(0), u16(0), matrix, u32(width << 16), u32(height << 16)),
      mdia);
    const moov = box('moov',
      full('mvhd', 0, 0, u32(0), u32(0), u32(1000), u32(0), u32(0x00010000), u16(0x0100), new Array(10).fill(0), matrix, new Array(24).fill(0), u32(2)),
      trak,
      box('mvex', full('trex', 0, 0, u32(1), u32(1), u32(0), u32(0), u32(0))));
    const ftyp = box('ftyp', text('isom'), u32(0x200), text('isom'), text('iso6'), text('avc1'), text('mp41'));
    const out = new Uint8Array(ftyp.length + moov.length);
    out.set(ftyp, 0);
    out.set(moov, ftyp.length);
    return out;
  }

  /** One fragment: frame number `sequence` (from 1), decoded at `decodeTime` and shown for `duration` (90 kHz units). */
  function fragment(sequence, decodeTime, duration, key, data) {
    const trun = sampleOffset => full('trun', 0, 0x000701, u32(1), u32(sampleOffset), u32(duration), u32(data.length), u32(key ? 0x02000000 : 0x01010000));
    const build = offset => box('moof', full('mfhd', 0, 0, u32(sequence)), box('traf', full('tfhd', 0, 0x020000, u32(1)), full('tfdt', 1, 0, u64(decodeTime)), trun(offset)));
    const moof = build(build(0).length + 8);
    const mdat = box('mdat', data);
    const out = new Uint8Array(moof.length + mdat.length);
    out.set(moof, 0);
    out.set(mdat, moof.length);
    return out;
  }

  return { TIMESCALE, init, fragment };
})();

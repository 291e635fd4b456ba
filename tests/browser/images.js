'use strict';
// Test files made at run time: real JPEG and PNG images drawn by chromium on
// a canvas (each run's pixels differ, so no upload is a duplicate of an
// earlier run's), a text file that claims nothing, and a file over the web
// service's upload limit.
const crypto = require('node:crypto');

const WIDTH = 640;
const HEIGHT = 480;

async function draw(page, type, hue, label, width = WIDTH, height = HEIGHT) {
  const dataUrl = await page.evaluate(([type, hue, label, width, height]) => {
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const g = canvas.getContext('2d');
    const gradient = g.createLinearGradient(0, 0, width, height);
    gradient.addColorStop(0, `hsl(${hue}, 70%, 60%)`);
    gradient.addColorStop(1, `hsl(${(hue + 60) % 360}, 60%, 30%)`);
    g.fillStyle = gradient;
    g.fillRect(0, 0, width, height);
    for (let i = 0; i < 40; i++) {
      g.fillStyle = `hsla(${Math.random() * 360}, 80%, 70%, 0.35)`;
      g.beginPath();
      g.arc(Math.random() * width, Math.random() * height, 10 + Math.random() * 60, 0, Math.PI * 2);
      g.fill();
    }
    g.fillStyle = '#fff';
    g.font = `bold ${Math.round(height / 10)}px sans-serif`;
    g.fillText(label, 32, height - 40);
    return canvas.toDataURL(type, 0.9);
  }, [type, hue, label, width, height]);
  return Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
}

async function makeImages(browser) {
  const page = await browser.newPage();
  const images = {
    sunrise: { name: 'sunrise.jpg', mimeType: 'image/jpeg', buffer: await draw(page, 'image/jpeg', 30, 'sunrise') },
    harbour: { name: 'harbour.png', mimeType: 'image/png', buffer: await draw(page, 'image/png', 200, 'harbour') },
    forest: { name: 'forest.png', mimeType: 'image/png', buffer: await draw(page, 'image/png', 110, 'forest') },
    notes: { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('These are notes, not a photo.\n') },
  };
  // A few more for the screenshots, so that the grid looks like a gallery.
  images.album = [];
  for (const [hue, label] of [[10, 'tram'], [180, 'tiles'], [260, 'river'], [45, 'castle']]) {
    images.album.push({ name: `${label}.jpg`, mimeType: 'image/jpeg', buffer: await draw(page, 'image/jpeg', hue, label) });
  }
  await page.close();
  // A PNG signature followed by noise, larger than the limit by half a MiB:
  // the size must be refused before anything looks at the bytes.
  const limit = Number(process.env.CARRETE_WEB_MAX_UPLOAD_BYTES);
  const huge = crypto.randomBytes(limit + 512 * 1024);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(huge);
  images.huge = { name: 'huge.png', mimeType: 'image/png', buffer: huge };
  for (const image of [...Object.values(images).filter((i) => i.buffer), ...images.album]) {
    if (image.buffer.length === 0) throw new Error(`${image.name} came out empty`);
  }
  return images;
}

// COUNT small JPEGs (96x64, about 2 KB each) for paging through a gallery.
async function makeSmallImages(browser, count) {
  const page = await browser.newPage();
  const images = [];
  for (let i = 0; i < count; i++) {
    const name = `small-${String(i).padStart(2, '0')}.jpg`;
    images.push({ name, mimeType: 'image/jpeg', buffer: await draw(page, 'image/jpeg', (i * 37) % 360, String(i), 96, 64) });
  }
  await page.close();
  return images;
}

function crc32(bytes) {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function chunk(type, data) {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([head, body, crc]);
}

// A valid 1x1 PNG of about `size` bytes (a large tEXt chunk of filler and a
// random tag, so that no two are duplicates): for the resumable uploads,
// whose files must span several 8 MiB parts.
function makeBigPng(name, size) {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const ihdr = chunk('IHDR', Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]));
  const idat = chunk('IDAT', Buffer.from([0x78, 0x9c, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01]));
  const iend = chunk('IEND', Buffer.alloc(0));
  const tag = crypto.randomBytes(8).toString('hex');
  const fixed = signature.length + ihdr.length + idat.length + iend.length + 12;
  const text = Buffer.alloc(Math.max(0, size - fixed), 'x');
  Buffer.from(`Comment\0${tag}`, 'latin1').copy(text);
  const buffer = Buffer.concat([signature, ihdr, chunk('tEXt', text), idat, iend]);
  return { name, mimeType: 'image/png', buffer };
}

module.exports = { makeImages, makeSmallImages, makeBigPng, WIDTH, HEIGHT };

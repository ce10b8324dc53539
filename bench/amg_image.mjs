// The amg suite's image: python_image.py's synthetic formula at any size, so both sides segment identical pixels.
export function syntheticImage(width, height) {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) data[(y * width + x) * 3 + c] = (x + 2 * y + 85 * c) % 256;
    }
  }
  return { data, width, height, channels: 3 };
}

import QRCode from 'qrcode';

/**
 * The QR code of `payload` as a PNG data URL for the page and the API
 * (`next_action.qr.image_data_url`). Error correction M and a quiet zone of 4
 * modules, as NSPK's guidance for SBP codes asks; 8 pixels a module keeps it sharp
 * when a phone photographs a screen.
 *
 * @example
 * ```ts
 * await qrImageDataUrl('https://qr.nspk.ru/AD10006M8KH2HQ3N8O1TP6GQ8B9G4I0T'); // 'data:image/png;base64,iVBOR...'
 * ```
 */
export function qrImageDataUrl(payload: string): Promise<string> {
  return QRCode.toDataURL(payload, { errorCorrectionLevel: 'M', margin: 4, scale: 8, type: 'image/png' });
}

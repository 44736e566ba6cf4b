/**
 * The vehicle's part of a message key: delivery keys are ASCII (`[A-Za-z0-9:_\-.]`), and a plate
 * starts with a Chinese character, so it goes in as base64url (`沪A12345` → `5rKqQTEyMzQ1`).
 */
export function vehicleKey(plate: string | null, index: number): string {
  return plate ? Buffer.from(plate, 'utf8').toString('base64url') : `vehicle-${index}`;
}

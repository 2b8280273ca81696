/**
 * The desktop key provider: the data key wrapped by Electron safeStorage (Keychain, DPAPI,
 * libsecret/kwallet) in `<data>/vigilanza.key.safe`. Where the system offers no real key store
 * (Linux "basic_text" backend, which obfuscates with a fixed password), safeStorage would add
 * nothing: we say so and use the 0600 key file of the browser shell instead.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { safeStorage } from 'electron';
import { fileKeyProvider, KEY_FILE, writeSecretFile, type KeyProvider } from '../../host/keys.ts';

export const SAFE_KEY_FILE = 'vigilanza.key.safe';

export function desktopKeyProvider(dataDir: string, options: { create: boolean; warn: (message: string) => void }): KeyProvider {
  const wrapped = join(dataDir, SAFE_KEY_FILE);
  const plainFile = existsSync(join(dataDir, KEY_FILE));
  const weak = process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text';
  if (!existsSync(wrapped) && (plainFile || weak || !safeStorage.isEncryptionAvailable())) {
    if (!plainFile)
      options.warn(
        'Il sistema non offre un portachiavi sicuro: la chiave dei dati è conservata in un file leggibile solo da questo utente.',
      );
    return fileKeyProvider(dataDir, { create: options.create });
  }
  return {
    description: `chiave protetta dal portachiavi del sistema (${wrapped})`,
    getKey() {
      if (existsSync(wrapped)) {
        let text: string;
        try {
          text = safeStorage.decryptString(readFileSync(wrapped));
        } catch (e) {
          throw new Error(
            `il portachiavi del sistema non riesce ad aprire ${wrapped} (${(e as Error).message}): accedere con lo stesso utente del sistema con cui i dati sono stati creati`,
          );
        }
        const key = Buffer.from(text, 'base64');
        if (key.length !== 32) throw new Error(`${wrapped} non contiene una chiave valida`);
        return key;
      }
      if (!options.create)
        throw new Error(`manca ${wrapped}: senza la chiave i dati del personale di questo database non si possono leggere`);
      const key = randomBytes(32);
      writeSecretFile(wrapped, safeStorage.encryptString(key.toString('base64')));
      return key;
    },
  };
}

package io.platform.security.pii;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Encrypts single field values with AES-GCM. Layout: {@code keyId:u8 | iv:12 bytes | ciphertext+tag}. The stream and
 * field name are authenticated as associated data, so a ciphertext moved to another field fails to decrypt.
 * Thread-safe (a new {@link Cipher} per call; ciphers are not thread-safe).
 */
public final class FieldEncryptor {
    private static final int IV_LENGTH = 12;
    private static final int TAG_BITS = 128;

    private final Map<Integer, SecretKey> keys;
    private final int currentKeyId;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param keys AES keys by id (0 to 255); old ids stay to decrypt data written before a rotation
     * @param currentKeyId the key new values are encrypted with
     */
    public FieldEncryptor(Map<Integer, SecretKey> keys, int currentKeyId) {
        if (!keys.containsKey(currentKeyId) || currentKeyId < 0 || currentKeyId > 255) {
            throw new IllegalArgumentException("current key id " + currentKeyId + " is not among the keys " + keys.keySet());
        }
        this.keys = Map.copyOf(keys);
        this.currentKeyId = currentKeyId;
    }

    public byte[] encrypt(String stream, String field, byte[] plaintext) {
        byte[] iv = new byte[IV_LENGTH];
        random.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(currentKeyId), new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(associatedData(stream, field));
            byte[] sealed = cipher.doFinal(plaintext);
            return ByteBuffer.allocate(1 + IV_LENGTH + sealed.length).put((byte) currentKeyId).put(iv).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable in this JDK: " + e.getMessage(), e);
        }
    }

    /** @throws GeneralSecurityException when the value was altered, moved to another field, or its key is unknown */
    public byte[] decrypt(String stream, String field, byte[] sealed) throws GeneralSecurityException {
        if (sealed.length < 1 + IV_LENGTH + TAG_BITS / 8) {
            throw new GeneralSecurityException("encrypted field too short: " + sealed.length + " bytes");
        }
        SecretKey key = keys.get(sealed[0] & 0xff);
        if (key == null) {
            throw new GeneralSecurityException("unknown key id " + (sealed[0] & 0xff) + ": load the key it was written with");
        }
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 1, IV_LENGTH));
        cipher.updateAAD(associatedData(stream, field));
        return cipher.doFinal(sealed, 1 + IV_LENGTH, sealed.length - 1 - IV_LENGTH);
    }

    private static byte[] associatedData(String stream, String field) {
        return (stream + '\u0000' + field).getBytes(StandardCharsets.UTF_8);
    }
}

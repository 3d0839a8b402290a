package io.platform.security.pii;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Map;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;

class FieldEncryptorTest {
    private static SecretKey key() throws Exception {
        KeyGenerator generator = KeyGenerator.getInstance("AES");
        generator.init(256);
        return generator.generateKey();
    }

    @Test
    void shouldRoundTripAndUseAFreshIvEachTime() throws Exception {
        FieldEncryptor encryptor = new FieldEncryptor(Map.of(1, key()), 1);
        byte[] email = "ada@example.org".getBytes();
        byte[] a = encryptor.encrypt("users", "email", email);
        byte[] b = encryptor.encrypt("users", "email", email);
        assertFalse(Arrays.equals(a, b));
        assertArrayEquals(email, encryptor.decrypt("users", "email", a));
    }

    @Test
    void rejectsTamperedOrMovedValues() throws Exception {
        FieldEncryptor encryptor = new FieldEncryptor(Map.of(1, key()), 1);
        byte[] sealed = encryptor.encrypt("users", "email", "x".getBytes());
        assertThrows(GeneralSecurityException.class, () -> encryptor.decrypt("users", "phone", sealed));
        sealed[sealed.length - 1] ^= 1;
        assertThrows(GeneralSecurityException.class, () -> encryptor.decrypt("users", "email", sealed));
    }

    @Test
    void shouldDecryptOldValuesAfterKeyRotation() throws Exception {
        SecretKey old = key();
        byte[] sealed = new FieldEncryptor(Map.of(1, old), 1).encrypt("s", "f", "v".getBytes());
        FieldEncryptor rotated = new FieldEncryptor(Map.of(1, old, 2, key()), 2);
        assertArrayEquals("v".getBytes(), rotated.decrypt("s", "f", sealed));
        assertThrows(GeneralSecurityException.class, () -> new FieldEncryptor(Map.of(2, key()), 2).decrypt("s", "f", sealed));
    }
}

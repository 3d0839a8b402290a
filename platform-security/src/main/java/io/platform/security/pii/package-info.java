/**
 * Field-level encryption of personal data: AES-256-GCM through the JDK (AES-NI on x86), with the key id carried in
 * the ciphertext so keys can rotate. Depends only on the JDK.
 */
package io.platform.security.pii;

/**
 * The cold tier: segment files erasure-coded with Reed-Solomon (k data + m parity shards) across several directories
 * standing for disks or nodes, read back byte-exact with up to m shards lost or corrupt. Depends on the JDK and
 * {@code StorageException} only.
 */
package io.platform.storage.cold;

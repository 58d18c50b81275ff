/**
 * The target matrix's ARM rows (__tests__/support/target-matrix.ts): ARMv6 and ARMv7, musl
 * and gnu, cargo test under qemu-arm, and armv7 gnu's armhf and armv7hl packages. Run one target with `-t <triple>`.
 */
import { ARM_ROWS, targetMatrix } from '../../support/target-matrix.js'

targetMatrix('the target matrix (ARM), built by the action alone', ARM_ROWS)

/**
 * The target matrix's rows other than ARM (__tests__/support/target-matrix.ts): i686 musl,
 * aarch64, x86_64, riscv64, powerpc64le, s390x and i686 gnu. Run one target with `-t <triple>`.
 */
import { OTHER_ROWS, targetMatrix } from '../../support/target-matrix.js'

targetMatrix('the target matrix, built by the action alone', OTHER_ROWS)

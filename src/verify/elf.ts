/**
 * A reader of executable headers, in TypeScript so verification needs no binutils for
 * the target: ELF (architecture, class, endianness, PT_INTERP, DT_NEEDED, the highest
 * GLIBC_x.y version needed), PE and Mach-O (architecture only). Pure: bytes in, facts out.
 *
 * ELF dynamic data is found through the program headers, not the section headers, so
 * binaries with their section table stripped are read too.
 */
import { compareVersions } from '../common/version.js'

export interface BinaryInfo {
  format: 'elf' | 'pe' | 'macho'
  /** Rust's target_arch family (x86_64, x86, aarch64, arm, riscv64, powerpc64, s390x, ...) or `unknown(<machine>)` */
  arch: string
  bits: 32 | 64
  endian: 'little' | 'big'
  /** ELF: the program interpreter (PT_INTERP), absent for static binaries */
  interpreter?: string
  /** ELF: DT_NEEDED entries, in order */
  needed: string[]
  /** ELF: the highest GLIBC_x.y[.z] in the version needs (.gnu.version_r) */
  glibc?: string
  /** Mach-O universal binaries: every architecture inside */
  arches?: string[]
  /** 32-bit ARM ELF: the build attributes' Tag_CPU_arch (v6, v6KZ, v7, ...) and Thumb ISA level */
  armArch?: string
  armThumb?: 'none' | 'thumb1' | 'thumb2'
}

export class BinaryFormatError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'BinaryFormatError'
  }
}

/** ELF e_machine → Rust arch family; 64-bit variants share a number with 32-bit ones. */
function elfArch(machine: number, bits: 32 | 64): string {
  switch (machine) {
    case 3:
      return 'x86'
    case 62:
      return 'x86_64'
    case 183:
      return 'aarch64'
    case 40:
      return 'arm'
    case 243:
      return bits === 64 ? 'riscv64' : 'riscv32'
    case 20:
      return 'powerpc'
    case 21:
      return 'powerpc64'
    case 22:
      return bits === 64 ? 's390x' : 's390'
    case 258:
      return 'loongarch64'
    case 8:
      return bits === 64 ? 'mips64' : 'mips'
    case 2:
    case 43:
      return bits === 64 ? 'sparc64' : 'sparc'
    default:
      return `unknown(${machine})`
  }
}

const PT_LOAD = 1
const PT_DYNAMIC = 2
const PT_INTERP = 3
const DT_NULL = 0
const DT_NEEDED = 1
const DT_STRTAB = 5
const DT_VERNEED = 0x6ffffffe
const DT_VERNEEDNUM = 0x6fffffff

class Reader {
  private readonly view: DataView
  constructor(
    readonly buf: Uint8Array,
    readonly little: boolean,
    readonly wide: boolean,
  ) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  }
  private check(offset: number, size: number): void {
    if (offset < 0 || offset + size > this.buf.byteLength) throw new BinaryFormatError(`truncated ELF: read of ${size} bytes at ${offset} past the end (${this.buf.byteLength})`)
  }
  u16(offset: number): number {
    this.check(offset, 2)
    return this.view.getUint16(offset, this.little)
  }
  u32(offset: number): number {
    this.check(offset, 4)
    return this.view.getUint32(offset, this.little)
  }
  u64(offset: number): number {
    this.check(offset, 8)
    return Number(this.view.getBigUint64(offset, this.little))
  }
  /** An address-sized field (Elf32_Addr/Off or Elf64_Addr/Off/Xword). */
  word(offset: number): number {
    return this.wide ? this.u64(offset) : this.u32(offset)
  }
  cstring(offset: number, limit = 4096): string {
    let end = offset
    while (end < this.buf.byteLength && end - offset < limit && this.buf[end] !== 0) end++
    return new TextDecoder().decode(this.buf.subarray(offset, end))
  }
}

interface Segment {
  type: number
  offset: number
  vaddr: number
  filesz: number
}

function readElf(buf: Uint8Array): BinaryInfo {
  const elfClass = buf[4]
  const data = buf[5]
  if (elfClass !== 1 && elfClass !== 2) throw new BinaryFormatError(`unknown ELF class ${elfClass}`)
  if (data !== 1 && data !== 2) throw new BinaryFormatError(`unknown ELF data encoding ${data}`)
  const wide = elfClass === 2
  const bits = wide ? 64 : 32
  const r = new Reader(buf, data === 1, wide)
  const machine = r.u16(0x12)
  const segments = programHeaders(r)
  const info: BinaryInfo = { format: 'elf', arch: elfArch(machine, bits), bits, endian: data === 1 ? 'little' : 'big', needed: [] }
  if (machine === 40 && !wide) Object.assign(info, armAttributes(r))
  const interp = segments.find((s) => s.type === PT_INTERP)
  if (interp) info.interpreter = r.cstring(interp.offset, interp.filesz)
  const dynamic = segments.find((s) => s.type === PT_DYNAMIC)
  if (!dynamic) return info
  const entries = dynamicEntries(r, dynamic, segments)
  if (entries.strtab === undefined) return info
  const strtab = entries.strtab
  const str = (offset: number): string => r.cstring(strtab + offset)
  info.needed = entries.neededOffsets.map(str)
  const glibc = highestGlibc(r, entries.verneed, entries.verneedNum, str)
  if (glibc) info.glibc = glibc
  return info
}

function programHeaders(r: Reader): Segment[] {
  const wide = r.wide
  const phoff = r.word(wide ? 0x20 : 0x1c)
  const phentsize = r.u16(wide ? 0x36 : 0x2a)
  const phnum = r.u16(wide ? 0x38 : 0x2c)
  const segments: Segment[] = []
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize
    segments.push(
      wide ? { type: r.u32(at), offset: r.u64(at + 8), vaddr: r.u64(at + 16), filesz: r.u64(at + 32) } : { type: r.u32(at), offset: r.u32(at + 4), vaddr: r.u32(at + 8), filesz: r.u32(at + 16) },
    )
  }
  return segments
}

/** PT_DYNAMIC's entries that matter here, their addresses mapped to file offsets. */
function dynamicEntries(r: Reader, dynamic: Segment, segments: readonly Segment[]): { neededOffsets: number[]; strtab?: number; verneed?: number; verneedNum: number } {
  // Dynamic entries hold virtual addresses: map them to file offsets through PT_LOAD.
  const fileOffset = (vaddr: number): number => {
    const load = segments.find((s) => s.type === PT_LOAD && vaddr >= s.vaddr && vaddr < s.vaddr + s.filesz)
    if (!load) throw new BinaryFormatError(`address 0x${vaddr.toString(16)} is in no loaded segment`)
    return vaddr - load.vaddr + load.offset
  }
  const entrySize = r.wide ? 16 : 8
  const found: { neededOffsets: number[]; strtab?: number; verneed?: number; verneedNum: number } = { neededOffsets: [], verneedNum: 0 }
  for (let at = dynamic.offset; at + entrySize <= dynamic.offset + dynamic.filesz; at += entrySize) {
    const tag = r.word(at)
    const value = r.word(at + entrySize / 2)
    if (tag === DT_NULL) break
    if (tag === DT_NEEDED) found.neededOffsets.push(value)
    else if (tag === DT_STRTAB) found.strtab = fileOffset(value)
    else if (tag === DT_VERNEED) found.verneed = fileOffset(value)
    else if (tag === DT_VERNEEDNUM) found.verneedNum = value
  }
  return found
}

/** The highest GLIBC_x.y in .gnu.version_r. */
function highestGlibc(r: Reader, verneed: number | undefined, verneedNum: number, str: (offset: number) => string): string | undefined {
  // Elf_Verneed {u16 version, u16 cnt, u32 file, u32 aux, u32 next}; Elf_Vernaux {u32 hash, u16 flags, u16 other, u32 name, u32 next}
  let glibc: string | undefined
  for (let i = 0, at = verneed; at !== undefined && i < verneedNum; i++) {
    const count = r.u16(at + 2)
    let aux = at + r.u32(at + 8)
    for (let j = 0; j < count; j++) {
      const match = /^GLIBC_(\d+\.\d+(?:\.\d+)?)$/.exec(str(r.u32(aux + 8)))
      if (match?.[1] && (!glibc || compareVersions(match[1], glibc) > 0)) glibc = match[1]
      const next = r.u32(aux + 12)
      if (!next) break
      aux += next
    }
    const next = r.u32(at + 12)
    at = next ? at + next : undefined
  }
  return glibc
}

/** Tag_CPU_arch values of the ARM EABI build attributes. */
const ARM_ARCHES = ['pre-v4', 'v4', 'v4T', 'v5T', 'v5TE', 'v5TEJ', 'v6', 'v6KZ', 'v6T2', 'v6K', 'v7', 'v6-M', 'v6S-M', 'v7E-M', 'v8', 'v8-R', 'v8-M.base', 'v8-M.main']
const SHT_ARM_ATTRIBUTES = 0x70000003

/** The CPU architecture the linker recorded in .ARM.attributes (the highest of all inputs). */
function armAttributes(r: Reader): Pick<BinaryInfo, 'armArch' | 'armThumb'> {
  const shoff = r.u32(0x20)
  const shentsize = r.u16(0x2e)
  const shnum = r.u16(0x30)
  for (let i = 0; i < shnum; i++) {
    const at = shoff + i * shentsize
    if (r.u32(at + 4) !== SHT_ARM_ATTRIBUTES) continue
    const start = r.u32(at + 16)
    const end = start + r.u32(at + 20)
    let pos = start + 1 // format version 'A'
    const uleb = (): number => {
      let value = 0
      for (let shift = 0; pos < end; shift += 7) {
        const byte = r.buf[pos++] ?? 0
        value += (byte & 0x7f) * 2 ** shift
        if (byte < 0x80) break
      }
      return value
    }
    const skipString = (): void => {
      while (pos < end && r.buf[pos] !== 0) pos++
      pos++
    }
    // One vendor subsection (u32 length, "aeabi"), then tagged sub-subsections; Tag_File (1) holds the attributes.
    const vendorEnd = Math.min(end, pos + r.u32(pos))
    pos += 4
    if (r.cstring(pos) !== 'aeabi') return {}
    skipString()
    const result: Pick<BinaryInfo, 'armArch' | 'armThumb'> = {}
    while (pos < vendorEnd) {
      const scope = uleb()
      const scopeEnd = pos - 1 + r.u32(pos)
      pos += 4
      while (scope === 1 && pos < scopeEnd) {
        const tag = uleb()
        if (tag === 4 || tag === 5 || tag === 65 || tag === 67 || (tag > 32 && tag % 2 === 1)) skipString()
        else if (tag === 32) {
          uleb()
          skipString()
        } else {
          const value = uleb()
          if (tag === 6) result.armArch = ARM_ARCHES[value] ?? `unknown(${value})`
          if (tag === 9) result.armThumb = value === 0 ? 'none' : value === 1 ? 'thumb1' : 'thumb2'
        }
      }
      pos = scopeEnd
    }
    return result
  }
  return {}
}

const PE_MACHINES: Record<number, string> = { 0x8664: 'x86_64', 0x14c: 'x86', 0xaa64: 'aarch64', 0x1c4: 'arm', 0x5064: 'riscv64' }

function readPe(buf: Uint8Array): BinaryInfo {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  if (buf.byteLength < 0x40) throw new BinaryFormatError('truncated PE (no DOS header)')
  const pe = view.getUint32(0x3c, true)
  if (pe + 26 > buf.byteLength || view.getUint32(pe, false) !== 0x50450000) throw new BinaryFormatError('MZ file without a PE signature')
  const machine = view.getUint16(pe + 4, true)
  const magic = view.getUint16(pe + 24, true)
  return { format: 'pe', arch: PE_MACHINES[machine] ?? `unknown(0x${machine.toString(16)})`, bits: magic === 0x20b ? 64 : 32, endian: 'little', needed: [] }
}

function machoArch(cputype: number): string {
  const map: Record<number, string> = { 7: 'x86', 0x01000007: 'x86_64', 12: 'arm', 0x0100000c: 'aarch64', 0x0200000c: 'aarch64', 18: 'powerpc', 0x01000012: 'powerpc64' }
  return map[cputype] ?? `unknown(${cputype})`
}

function readMachO(buf: Uint8Array): BinaryInfo {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  const magic = view.getUint32(0, false)
  if (magic === 0xcafebabe) {
    // Universal binary: big-endian fat header, one fat_arch (20 bytes) per slice.
    const count = view.getUint32(4, false)
    const arches: string[] = []
    for (let i = 0; i < count && 8 + i * 20 + 4 <= buf.byteLength; i++) arches.push(machoArch(view.getUint32(8 + i * 20, false)))
    const wide = arches.every((a) => a.endsWith('64'))
    return { format: 'macho', arch: arches.join('+'), arches, bits: wide ? 64 : 32, endian: 'little', needed: [] }
  }
  const little = magic === 0xcefaedfe || magic === 0xcffaedfe
  const bits = magic === 0xfeedfacf || magic === 0xcffaedfe ? 64 : 32
  return { format: 'macho', arch: machoArch(view.getUint32(4, little)), bits, endian: little ? 'little' : 'big', needed: [] }
}

/** Whether the bytes start like an executable this module reads. */
export function binaryFormat(buf: Uint8Array): BinaryInfo['format'] | undefined {
  if (buf.byteLength < 8) return undefined
  if (buf[0] === 0x7f && buf[1] === 0x45 && buf[2] === 0x4c && buf[3] === 0x46) return 'elf'
  if (buf[0] === 0x4d && buf[1] === 0x5a) return 'pe'
  const magic = new DataView(buf.buffer, buf.byteOffset, 4).getUint32(0, false)
  // 0xcafebabe is also a Java class file; its second word (a version) is never a small slice count.
  if ([0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe].includes(magic)) return 'macho'
  if (magic === 0xcafebabe && new DataView(buf.buffer, buf.byteOffset, 8).getUint32(4, false) < 20) return 'macho'
  return undefined
}

export function readBinary(buf: Uint8Array): BinaryInfo {
  switch (binaryFormat(buf)) {
    case 'elf':
      return readElf(buf)
    case 'pe':
      return readPe(buf)
    case 'macho':
      return readMachO(buf)
    default:
      throw new BinaryFormatError('not an ELF, PE or Mach-O executable')
  }
}

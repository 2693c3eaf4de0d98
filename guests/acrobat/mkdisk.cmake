# mkdisk.cmake - write the acrobat disk image: 4 sectors of 512 bytes.
#   cmake -DOUT=acrobat.img -P mkdisk.cmake
# Sector n holds one line of text naming n, padded with newlines, so the kernel
# can show what it read and check that LBA n really is sector n.
set(SECTOR_BYTES 512)             # ATA: one logical sector
set(content "")
foreach(n 0 1 2 3)
  set(line "acrobat disk, sector ${n}: read over the primary IDE channel with PIO\n")
  string(LENGTH "${line}" len)
  math(EXPR pad "${SECTOR_BYTES} - ${len}")
  string(REPEAT "\n" ${pad} padding)
  string(APPEND content "${line}${padding}")
endforeach()
file(WRITE ${OUT} "${content}")

# corpus16.s - instructions for the disassembler test, 16-bit code (real
# mode and 16-bit protected-mode segments); objdump reads it with -m i8086.
# See corpus32.s for how the test uses it.

        .text
        .code16

        add %al,(%bx,%si)
        add %ax,0x10(%bp)
        mov 0x1234,%ax
        mov %es:0x10(%bx,%di),%cx
        mov %ax,%ds
        mov %cs,%ax
        mov $0x1234,%bx
        mov $0x12345678,%ebx
        movw $1,(%di)
        movl $1,(%di)
        addw $-1,(%si)
        addl $-1,(%si)
        lea 0x4(%bp,%si),%ax
        lea (%eax,%ebx,2),%eax
        push $1
        push $0x1234
        pushl $1
        push %ax
        push %eax
        pushw (%bx)
        pushl (%bx)
        pop %es
        pushf
        pushfl
        pusha
        pushal
        iret
        iretl
        ret
        retl
        lret
        lretl
        cbtw
        cwtl
        cwtd
        cltd
        movzbw %al,%ax
        movzbl %al,%eax
        movzwl (%bx),%eax
        rep stosw
        rep movsb
        rep stosl
        addr32 rep stosb
        repz cmpsw
        lodsb
        xlat
        in $0x60,%al
        out %al,(%dx)
        int $0x10
        int $0x13
        cli
        hlt
        lgdtw (%bx)
        lgdtl (%bx)
        lidtw 0x10(%si)
        lmsw %ax
        smsw %ax
        mov %cr0,%eax
        mov %eax,%cr0
        ljmp $0x08,$0x1000
        ljmpl $0x08,$0x12345678
        lcall $0xf000,$0xfff0
        lcall *(%bx)
        lcalll *(%bx)
        call *%ax
        call *(%bx)
        jmp *%ax
        jmp .+0x100
        call .+0x100
        je .+0x100
        je .+4
        jcxz .+4
        jecxz .+4
        loop .+4
        addr32 loop .+4
        jmp .+4
        enter $8,$0
        leave
        .byte 0x66, 0xe9, 0x10, 0x00, 0x00, 0x00    # jmpl
        .byte 0x66, 0x90                            # xchg %eax,%eax
        .byte 0x67, 0x90                            # addr32 nop
        .byte 0x67, 0x8b, 0x04, 0x24                # 32-bit addressing in 16-bit code
        .byte 0x8b, 0x06, 0xfe, 0xff                # bare disp16 prints signed

# Every ModRM byte behind MOV Gv,Ev with 16-bit addressing.
.Lm = 0
        .rept 256
        .byte 0x8b, .Lm, 0x90, 0x90
.Lm = .Lm + 1
        .endr
# The full groups, memory and register forms.
        .irp op, 0x80, 0x81, 0x83, 0xc0, 0xc1, 0xd0, 0xd1, 0xd2, 0xd3, 0xf6, 0xf7
.Lr = 0
        .rept 8
        .byte \op, 0x47 | (.Lr << 3), 0x10, 0x90, 0x90
        .byte \op, 0xc3 | (.Lr << 3), 0x90, 0x90
        .byte 0x66, \op, 0x07 | (.Lr << 3), 0x90, 0x90, 0x90, 0x90
.Lr = .Lr + 1
        .endr
        .endr

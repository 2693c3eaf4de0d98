# corpus32.s - instructions for the disassembler test, 32-bit code.
#
# The build assembles this file and runs `objdump -d` on it; the test
# disassembles each instruction objdump found and compares the text.  The
# sweeps at the end use .rept to walk every ModRM byte, every SIB byte and
# every row of each opcode group; 0x90 bytes fill the SIB, displacement and
# immediate slots and decode as NOP where an instruction does not use them.
# Forms objdump prints differently on purpose are listed in test_disasm.c.

        .text
        .code32

# --- arithmetic and logic, each operand form ---------------------------------
        add %al,(%ebx)
        add %eax,0x10(%ebx)
        add -0x80(%ebp),%cl
        add 0x12345678(%esi,%edi,8),%edx
        add $0x7f,%al
        add $0x12345678,%eax
        or %bl,%bh
        adc %ecx,%edx
        sbb (%eax),%esp
        and $0x0f,%al
        sub %edi,%esi
        xor %eax,%eax
        cmp $0x1234,%ax
        addb $0xff,(%eax)
        addw $0x1234,(%eax)
        addl $0x12345678,0x4(%esp)
        orl $-1,(%ecx)
        adcw $-2,(%ecx)
        subl $0x7f,0x8(%ebp)
        cmpl $0x0,0x8(%ebp)
        add $-1,%eax
        add $-1,%ax
        adc $0x80,%al
        inc %eax
        dec %di
        incb (%eax)
        decl 0x4(%ebx)
        incw (%eax)
        neg %eax
        notb (%eax)
        mul %bl
        imul %ebx
        imull (%ebx)
        divl (%eax)
        idiv %ecx
        imul %eax,%ebx
        imul (%eax),%ebx
        imul $3,%eax,%ebx
        imul $300,(%eax),%ebx
        imul $-1,%ax,%dx
        test %eax,%ebx
        test %cl,(%edx)
        test $0x1,%al
        test $0x10000,%eax
        testl $0x1,(%eax)
        testb $0x80,0x3(%eax)
        daa
        das
        aaa
        aas
        aam
        aad
        aam $5
        cbtw
        cwtl
        cwtd
        cltd

# --- shifts and rotates --------------------------------------------------------
        shl %eax
        shl %cl,%eax
        shl $2,%eax
        shll (%eax)
        shlb $3,(%eax)
        shll %cl,(%eax)
        shr %ax
        sar $31,%edx
        rol %cl,%ax
        ror $1,%eax
        rcl $3,%eax
        rcrl (%eax)
        shld $4,%eax,%ebx
        shld %cl,%eax,(%ebx)
        shrd $4,%ax,%bx
        shrd %cl,%eax,%ebx

# --- moves -----------------------------------------------------------------------
        mov %eax,%ebx
        mov %al,(%ebx)
        mov (%esp),%eax
        mov 0x1000,%eax
        mov 0x1000,%ecx
        mov %al,0x1000
        mov %ax,0x2000
        mov %fs:0x0,%eax
        mov %eax,%fs:0x1
        mov %cs:(%eax),%eax
        mov %es:0x10(%ebp),%dl
        mov -0x80000000(%eax),%eax
        mov -4(,%eax,4),%eax
        mov 0(,%eax,4),%eax
        mov $3,%bl
        mov $0x1234,%ax
        mov $0x12345678,%esi
        movb $1,(%eax)
        movw $1,(%eax)
        movl $1,(%eax)
        movl $0xdeadbeef,-0xc(%ebp,%ecx,2)
        mov %es,%eax
        mov %es,(%eax)
        mov %eax,%ds
        mov %ax,%ss
        mov (%eax),%es
        mov %cr0,%eax
        mov %eax,%cr3
        mov %cr2,%edx
        mov %ebx,%cr4
        mov %db7,%eax
        mov %eax,%db0
        movzbl %al,%eax
        movzwl (%eax),%eax
        movzbw %al,%ax
        movzbl 0x1(%esi),%ecx
        movsbl (%eax),%eax
        movsbw %al,%ax
        movswl %ax,%eax
        lea 0x4(%esp),%ecx
        lea (%eax,%ebx,1),%edx
        lea 0x0(,%esi,4),%eax
        lea (%bx),%ax
        xchg %eax,%ebx
        xchg %ebx,%eax
        xchg %eax,(%ebx)
        xchg %al,(%eax)
        xchg %ecx,%ecx
        cmove %eax,%ebx
        cmovne (%eax),%ecx
        cmovb %eax,%ebx
        cmovae %eax,%ebx
        cmovbe %eax,%ebx
        cmova %eax,%ebx
        cmovs %eax,%ebx
        cmovns %eax,%ebx
        cmovp %eax,%ebx
        cmovnp %eax,%ebx
        cmovl %eax,%ebx
        cmovge %eax,%ebx
        cmovle %eax,%ebx
        cmovg %eax,%ebx
        cmovo %ax,%bx
        cmovno %eax,%ebx
        bswap %eax
        bswap %edi
        xlat
        lahf
        sahf
        cmpxchg %ecx,(%ebx)
        cmpxchg %al,%bl
        cmpxchg8b (%eax)
        xadd %eax,(%ebx)
        xadd %al,%cl

# --- bit instructions ------------------------------------------------------------
        bt %eax,(%ebx)
        btl $3,(%ebx)
        bts $3,%eax
        btr %ecx,%edx
        btc $31,%eax
        btcw $3,(%eax)
        bsf %eax,%ebx
        bsr (%eax),%ebx
        sete %al
        setne (%eax)
        seto %al
        setno %al
        setb %al
        setae %al
        setbe %al
        seta %al
        sets %al
        setns %al
        setp %al
        setnp %al
        setl %al
        setge %al
        setle %cl
        setg %al

# --- stack -----------------------------------------------------------------------
        push %ebp
        pop %edi
        push %ax
        pop %si
        push $1
        push $0x12345678
        pushw $1
        push $-1
        pushl (%eax)
        pushw (%eax)
        popl (%eax)
        popw 0x4(%eax)
        push %es
        push %cs
        push %ss
        push %ds
        push %fs
        push %gs
        pop %es
        pop %ss
        pop %ds
        pop %fs
        pop %gs
        pushf
        pushfw
        popf
        popfw
        pusha
        pushaw
        popa
        popaw
        enter $16,$0
        enter $8,$1
        leave

# --- control transfer --------------------------------------------------------------
        call *(%eax)
        call *%eax
        call *0x8(%ebx,%esi,4)
        jmp *%eax
        jmp *(%ecx)
        lcall *(%eax)
        ljmp *(%eax)
        ljmp $8,$0x100
        lcall $0x10,$0x12345678
        ret
        ret $4
        lret
        lret $4
        iret
        iretw
        int $0x80
        int3
        into
        int1
        jmp .
        jmp .+0x200
        je .+0x200
        je .
        jo .+4
        jno .+4
        jb .+4
        jae .+4
        jne .+4
        jbe .+4
        ja .+4
        js .+4
        jns .+4
        jp .+4
        jnp .+4
        jl .+4
        jge .+4
        jle .+4
        jg .+4
        jo .+0x1000
        jno .+0x1000
        jb .+0x1000
        jae .+0x1000
        jne .+0x1000
        jbe .-0x1000
        ja .+0x1000
        js .+0x1000
        jns .+0x1000
        jp .+0x1000
        jnp .+0x1000
        jl .+0x1000
        jge .+0x1000
        jle .+0x1000
        jg .-0x1000
        jecxz .
        jcxz .
        loop .
        loope .
        loopne .
        addr16 loop .
        call .+0x100
        call .-0x100

# --- string instructions -----------------------------------------------------------
        movsb
        movsw
        movsl
        cmpsb
        cmpsl
        stosb
        stosw
        stosl
        lodsb
        lodsl
        scasb
        scasw
        insb
        insl
        outsb
        outsw
        rep movsb
        rep movsl
        rep stosl
        rep stosb
        repz cmpsb
        repnz cmpsl
        repz scasl
        repnz scasb
        rep insw
        rep outsb
        rep lodsb
        fs movsb
        es lodsl
        addr16 movsb
        addr16 rep stosl

# --- system ------------------------------------------------------------------------
        lgdt (%eax)
        sgdt (%eax)
        lidt 0x10(%esp)
        sidt (%eax)
        lgdtw (%eax)
        lldt %ax
        lldt (%ebx)
        sldt %eax
        sldt (%eax)
        ltr %cx
        ltr (%eax)
        str %eax
        str (%eax)
        verr %ax
        verw (%eax)
        smsw %eax
        smsw (%eax)
        smsw %ax
        lmsw %ax
        lmsw (%eax)
        invlpg (%eax)
        invlpg 0x1000(%ebx)
        lar %eax,%ebx
        lar (%eax),%ecx
        lsl %ax,%bx
        lsl (%eax),%ebx
        arpl %ax,(%ebx)
        arpl %cx,%dx
        clts
        invd
        wbinvd
        wrmsr
        rdtsc
        rdmsr
        cpuid
        sysenter
        sysexit
        hlt
        cli
        sti
        cld
        std
        clc
        stc
        cmc
        ud2
        nop
        pause
        fwait
        in $0x60,%al
        in $0x61,%ax
        in $0x71,%eax
        in (%dx),%al
        in (%dx),%ax
        in (%dx),%eax
        out %al,$0x80
        out %ax,$0x80
        out %eax,$0x80
        out %al,(%dx)
        out %ax,(%dx)
        out %eax,(%dx)
        lds (%eax),%ebx
        les (%eax),%ebx
        lss (%eax),%esp
        lfs (%eax),%ebx
        lgs 0x4(%eax),%edx
        bound %eax,(%ebx)
        nopl 0x0(%eax)
        nopw 0x0(%eax,%eax,1)
        nopl 0x0(%eax,%eax,1)
        nopw %cs:0x0(%eax,%eax,1)

# --- prefixes ----------------------------------------------------------------------
        lock incl (%eax)
        lock cmpxchg %ecx,(%ebx)
        lock addw %ax,(%eax)
        .byte 0x66, 0xf0, 0x01, 0x00            # 66 before lock
        .byte 0x66, 0x90                        # xchg %ax,%ax
        .byte 0x8d, 0x74, 0x26, 0x00            # lea 0x0(%esi,%eiz,1),%esi
        .byte 0x8b, 0x04, 0x64                  # (%esp,%eiz,2)
        .byte 0x8b, 0x04, 0x25, 1, 2, 3, 4      # 0x4030201(,%eiz,1)
        .byte 0x8b, 0x44, 0x20, 0x04            # 0x4(%eax,%eiz,1)
        .byte 0x66, 0x88, 0xc0                  # data16 on a byte instruction
        .byte 0x66, 0xcd, 0x21                  # data16 int
        .byte 0x67, 0x90                        # addr16 nop
        .byte 0x26, 0x90                        # es nop
        .byte 0x64, 0x89, 0xc3                  # fs on a register operand
        .byte 0xf3, 0xc3                        # repz ret
        .byte 0x67, 0xa1, 0x34, 0x12            # moffs16: objdump keeps addr16
        .byte 0x67, 0x8b, 0x06, 0x34, 0x12      # mov 0x1234,%eax (16-bit ModRM)
        .byte 0x67, 0x8b, 0x46, 0xfe            # mov -0x2(%bp),%eax
        .byte 0x67, 0x8b, 0x86, 0x00, 0x80      # mov -0x8000(%bp),%eax
        .byte 0x66, 0x0f, 0x00, 0xd0            # data16 lldt %ax
        .byte 0x66, 0x0f, 0x00, 0x00            # data16 sldt (%eax)
        .byte 0x66, 0x8e, 0x00                  # data16 mov (%eax),%es
        .byte 0x66, 0xe9, 0x01, 0x00            # jmpw
        .byte 0x66, 0xe8, 0x01, 0x00            # callw
        .byte 0x66, 0xeb, 0x01                  # data16 jmp
        .byte 0x66, 0x0f, 0x84, 0x01, 0x00      # je with a 16-bit displacement
        .byte 0x66, 0xea, 0x01, 0x00, 0x08, 0x00    # ljmpw
        .byte 0x66, 0xff, 0x18                  # lcallw *(%eax)
        .byte 0x66, 0xc3                        # retw
        .byte 0x66, 0xc2, 0x08, 0x00            # retw $0x8
        .byte 0x66, 0xcb                        # lretw
        .byte 0x66, 0xc9                        # leavew
        .byte 0x66, 0xc8, 0x01, 0x00, 0x00      # enterw
        .byte 0x66, 0x0f, 0xa0                  # pushw %fs
        .byte 0x66, 0x0e                        # pushw %cs
        .byte 0x66, 0x6a, 0xff                  # pushw $0xffff
        .byte 0x66, 0xff, 0xd0                  # call *%ax
        .byte 0x66, 0x0f, 0xc8                  # bswap %ax
        .byte 0x66, 0x0f, 0xb7, 0xc0            # movzww
        .byte 0x66, 0x62, 0x00                  # bound %ax,(%eax)
        .byte 0x66, 0x0f, 0x01, 0xe0            # smsw %ax
        .byte 0x66, 0xf3, 0xab                  # rep stos %ax
        .byte 0x67, 0xf3, 0xab                  # rep stos %eax,%es:(%di)
        .byte 0x67, 0xac                        # lods %ds:(%si),%al
        .byte 0x67, 0xd7                        # xlat %ds:(%bx)
        .byte 0x66, 0xd7                        # data16 xlat
        .byte 0x67, 0xe1, 0x01                  # loopew
        .byte 0x67, 0x66, 0xe2, 0x01            # data16 loopw
        .byte 0x26, 0x26, 0x8b, 0x00            # the first of two segment prefixes is unused
        .byte 0x26, 0x0f, 0x31                  # es rdtsc
        .byte 0xd1, 0xf0                        # shl /6 alias
        .byte 0x82, 0xc0, 0x01                  # 82: alias of 80
        .byte 0xf6, 0xc8, 0x01                  # test /1 alias
        .byte 0x0f, 0x20, 0x00                  # MOV CRn ignores mod
        .byte 0x0f, 0x20, 0xe0                  # mov %cr4,%eax
        .byte 0x0f, 0x1f, 0xc0                  # nop %eax

# --- sweeps ------------------------------------------------------------------------
# Every ModRM byte behind MOV Gv,Ev (the SIB byte, when there is one, is 0x90).
.Lm = 0
        .rept 256
        .byte 0x8b, .Lm, 0x90, 0x90, 0x90, 0x90, 0x90
.Lm = .Lm + 1
        .endr
# Every SIB byte, with no displacement (or disp32 for base 101), disp8 and disp32.
.Ls = 0
        .rept 256
        .byte 0x8b, 0x04, .Ls, 0x90, 0x90, 0x90, 0x90
        .byte 0x8b, 0x4c, .Ls, 0x90
        .byte 0x8b, 0x94, .Ls, 0x78, 0x56, 0x34, 0x12
.Ls = .Ls + 1
        .endr
# Every ModRM byte with a 16-bit address size, behind ADD Eb,Gb.
.Lm = 0
        .rept 256
        .byte 0x67, 0x00, .Lm, 0x90, 0x90
.Lm = .Lm + 1
        .endr
# Every row of each group (SDM Vol. 2D table A-6), memory and register forms.
        .irp op, 0x80, 0x81, 0x83, 0xc0, 0xc1, 0xd0, 0xd1, 0xd2, 0xd3, 0xf6, 0xf7
.Lr = 0
        .rept 8
        .byte \op, 0x40 | (.Lr << 3), 0x90, 0x90, 0x90, 0x90, 0x90
        .byte \op, 0xc3 | (.Lr << 3), 0x90, 0x90, 0x90, 0x90
.Lr = .Lr + 1
        .endr
        .endr
# The groups with holes: only their defined rows.
        .irp modrm, 0x40, 0x48, 0xc0, 0xc8
        .byte 0xfe, \modrm, 0x90
        .endr
        .irp modrm, 0x40, 0x48, 0x50, 0x58, 0x60, 0x68, 0x70, 0xc0, 0xc8, 0xd0, 0xe0, 0xf0
        .byte 0xff, \modrm, 0x90
        .byte 0x66, 0xff, \modrm, 0x90
        .endr
        .irp modrm, 0x40, 0xc0
        .byte 0x8f, \modrm, 0x90
        .byte 0x66, 0x8f, \modrm, 0x90
        .endr
        .irp modrm, 0x40, 0x48, 0x50, 0x58, 0x60, 0x68, 0xc0, 0xc8, 0xd0, 0xd8, 0xe0, 0xe8
        .byte 0x0f, 0x00, \modrm, 0x90
        .byte 0x66, 0x0f, 0x00, \modrm, 0x90
        .endr
        .irp modrm, 0x40, 0x48, 0x50, 0x58, 0x60, 0x70, 0x78, 0xe0, 0xf0
        .byte 0x0f, 0x01, \modrm, 0x90
        .byte 0x66, 0x0f, 0x01, \modrm, 0x90
        .endr
        .irp modrm, 0x60, 0x68, 0x70, 0x78, 0xe0, 0xe8, 0xf0, 0xf8
        .byte 0x0f, 0xba, \modrm, 0x90, 0x90
        .byte 0x66, 0x0f, 0xba, \modrm, 0x90, 0x90
        .endr
# Every one-byte opcode row without ModRM or with ModRM 0x43, plain and with 66.
        .irp op, 0x00,0x01,0x02,0x03,0x04,0x05,0x06,0x07,0x08,0x09,0x0a,0x0b,0x0c,0x0d,0x0e
        .byte \op, 0x43, 0x90, 0x90, 0x90, 0x90
        .byte 0x66, \op, 0x43, 0x90, 0x90, 0x90, 0x90
        .endr
        .irp op, 0x10,0x11,0x12,0x13,0x14,0x15,0x16,0x17,0x18,0x19,0x1a,0x1b,0x1c,0x1d,0x1e,0x1f
        .byte \op, 0x43, 0x90, 0x90, 0x90, 0x90
        .byte 0x66, \op, 0x43, 0x90, 0x90, 0x90, 0x90
        .endr
        .irp op, 0x20,0x21,0x22,0x23,0x24,0x25,0x27,0x28,0x29,0x2a,0x2b,0x2c,0x2d,0x2f
        .byte \op, 0x43, 0x90, 0x90, 0x90, 0x90
        .byte 0x66, \op, 0x43, 0x90, 0x90, 0x90, 0x90
        .endr
        .irp op, 0x30,0x31,0x32,0x33,0x34,0x35,0x37,0x38,0x39,0x3a,0x3b,0x3c,0x3d,0x3f
        .byte \op, 0x43, 0x90, 0x90, 0x90, 0x90
        .byte 0x66, \op, 0x43, 0x90, 0x90, 0x90, 0x90
        .endr
        .irp op, 0x40,0x41,0x42,0x43,0x44,0x45,0x46,0x47,0x48,0x49,0x4a,0x4b,0x4c,0x4d,0x4e,0x4f
        .byte \op, 0x90
        .byte 0x66, \op, 0x90
        .endr
        .irp op, 0x50,0x51,0x52,0x53,0x54,0x55,0x56,0x57,0x58,0x59,0x5a,0x5b,0x5c,0x5d,0x5e,0x5f
        .byte \op, 0x90
        .byte 0x66, \op, 0x90
        .endr
        .irp op, 0x60,0x61,0x63,0x68,0x69,0x6a,0x6b,0x6c,0x6d,0x6e,0x6f
        .byte \op, 0x43, 0x90, 0x90, 0x90, 0x90
        .byte 0x66, \op, 0x43, 0x90, 0x90, 0x90, 0x90
        .endr
        .irp op, 0x70,0x71,0x72,0x73,0x74,0x75,0x76,0x77,0x78,0x79,0x7a,0x7b,0x7c,0x7d,0x7e,0x7f
        .byte \op, 0x10
        .endr
        .irp op, 0x84,0x85,0x86,0x87,0x88,0x89,0x8a,0x8b,0x8c,0x8e,0x91,0x92,0x93,0x94,0x95,0x96,0x97
        .byte \op, 0x43, 0x90, 0x90, 0x90, 0x90
        .byte 0x66, \op, 0x43, 0x90, 0x90, 0x90, 0x90
        .endr
        .irp op, 0x98,0x99,0x9a,0x9c,0x9d,0x9e,0x9f,0xa0,0xa1,0xa2,0xa3,0xa4,0xa5,0xa6,0xa7
        .byte \op, 0x43, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90
        .byte 0x66, \op, 0x43, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90
        .endr
        .irp op, 0xa8,0xa9,0xaa,0xab,0xac,0xad,0xae,0xaf,0xb0,0xb1,0xb2,0xb3,0xb4,0xb5,0xb6,0xb7
        .byte \op, 0x43, 0x90, 0x90, 0x90, 0x90
        .byte 0x66, \op, 0x43, 0x90, 0x90, 0x90, 0x90
        .endr
        .irp op, 0xb8,0xb9,0xba,0xbb,0xbc,0xbd,0xbe,0xbf,0xc2,0xc3,0xc4,0xc5,0xc6,0xc7,0xc8,0xc9
        .byte \op, 0x43, 0x90, 0x90, 0x90, 0x90
        .byte 0x66, \op, 0x43, 0x90, 0x90, 0x90, 0x90
        .endr
        .irp op, 0xca,0xcb,0xcc,0xcd,0xce,0xcf,0xd4,0xd5,0xd7,0xe4,0xe5,0xe6,0xe7,0xe8,0xe9,0xea
        .byte \op, 0x43, 0x90, 0x90, 0x90, 0x90, 0x90
        .byte 0x66, \op, 0x43, 0x90, 0x90, 0x90, 0x90, 0x90
        .endr
        .irp op, 0xe0,0xe1,0xe2,0xe3,0xeb,0xec,0xed,0xee,0xef,0xf1,0xf4,0xf5,0xf8,0xf9,0xfa,0xfb,0xfc,0xfd
        .byte \op, 0x10
        .byte 0x66, \op, 0x10
        .endr
# Every two-byte opcode row the interpreter executes, with ModRM 0x43 and 0xc3.
        .irp op, 0x02,0x03,0x06,0x08,0x09,0x0b,0x1f,0x20,0x21,0x22,0x23,0x30,0x31,0x32,0x34,0x35
        .byte 0x0f, \op, 0x43, 0x90, 0x90, 0x90, 0x90
        .byte 0x0f, \op, 0xc3, 0x90, 0x90, 0x90, 0x90
        .endr
        .irp op, 0x40,0x41,0x42,0x43,0x44,0x45,0x46,0x47,0x48,0x49,0x4a,0x4b,0x4c,0x4d,0x4e,0x4f
        .byte 0x0f, \op, 0x43, 0x90
        .byte 0x66, 0x0f, \op, 0xc3
        .endr
        .irp op, 0x80,0x81,0x82,0x83,0x84,0x85,0x86,0x87,0x88,0x89,0x8a,0x8b,0x8c,0x8d,0x8e,0x8f
        .byte 0x0f, \op, 0x10, 0x20, 0x30, 0x40
        .endr
        .irp op, 0x90,0x91,0x92,0x93,0x94,0x95,0x96,0x97,0x98,0x99,0x9a,0x9b,0x9c,0x9d,0x9e,0x9f
        .byte 0x0f, \op, 0x43, 0x90
        .byte 0x0f, \op, 0xc3
        .endr
        .irp op, 0xa0,0xa1,0xa2,0xa3,0xa4,0xa5,0xa8,0xa9,0xab,0xac,0xad,0xaf,0xb0,0xb1,0xb3
        .byte 0x0f, \op, 0x43, 0x90, 0x90
        .byte 0x66, 0x0f, \op, 0xc3, 0x90
        .endr
        .irp op, 0xb2, 0xb4, 0xb5
        .byte 0x0f, \op, 0x43, 0x90
        .byte 0x66, 0x0f, \op, 0x43, 0x90
        .endr
        .irp op, 0xb6,0xb7,0xbb,0xbc,0xbd,0xbe,0xbf,0xc0,0xc1,0xc8,0xc9,0xca,0xcb,0xcc,0xcd,0xce,0xcf
        .byte 0x0f, \op, 0x43, 0x90, 0x90
        .byte 0x66, 0x0f, \op, 0xc3, 0x90
        .endr

/* uart_regs.h: register map of an i.MX-style UART, shared by the driver files.
 * Only macros here: every Pancake file that needs them includes this header. */
#ifndef UART_REGS_H
#define UART_REGS_H

/* register offsets from the device base */
#define UART_RX_DATA    0
#define UART_TX_DATA    64
#define UART_CTRL1      128
#define UART_CTRL2      132
#define UART_FIFO_CTRL  144
#define UART_STATUS1    148
#define UART_STATUS2    152
#define UART_BAUD_INC   164
#define UART_BAUD_MOD   168

/* bits */
#define CTRL1_ENABLE    1
#define CTRL1_RX_IRQ    512
#define CTRL2_SRST      1
#define CTRL2_RX_EN     2
#define CTRL2_TX_EN     4
#define STATUS2_RX_READY 1
#define STATUS2_TX_EMPTY 16384
#define RX_DATA_MASK    255

/* register accessors: statement macros, used like statements */
#define REG(off)              (uart_base + (off))
#define REG_READ32(dst, off)  !ld32 dst, REG(off)
#define REG_WRITE32(off, val) !st32 REG(off), val
#define REG_SET_BITS(tmp, off, bits) REG_READ32(tmp, off); REG_WRITE32(off, tmp | (bits))

/* Microkit channels and notification */
#define SERIAL_IRQ_CH   1
#define CLIENT_CH       2
#define NOTIFY(ch)      @microkit_notify(0, ch, 0, 0)

#endif

/* The sensor -> logger message protocol (examples/sensor_logger): one
 * message in the shared region `msg`, announced on channel 0.
 *   word 0: MSG_MAGIC, word 1: sequence number, word 2: length in bytes
 *   (1..MSG_MAX), then the payload. Logger appends a well-formed message
 *   (magic right, length in range, sequence one more than the last) to
 *   its log as one slot of LOG_SLOT bytes: sequence, length, payload
 *   rounded up to words (at most MSG_MAX bytes, so 8 words). */
#ifndef SENSOR_LOGGER_PROTOCOL_H
#define SENSOR_LOGGER_PROTOCOL_H
#include <stdint.h>
#define MSG_MAGIC 0x4d534731u /* "MSG1" */
#define MSG_MAX 64
#define CH_LOGGER 0 /* sensor's end */
#define CH_SENSOR 0 /* logger's end */
#define LOG_BYTES 0x10000
#define LOG_SLOT 80 /* bytes per log entry: 2 + MSG_MAX / 8 words */
#endif

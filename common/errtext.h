/* errtext.h: an errno as socklab writes it: strerror() with a lower-case
 * first letter, so every message reads "bind 127.0.0.1:8080: address
 * already in use" whichever program prints it. */
#ifndef SOCKLAB_ERRTEXT_H
#define SOCKLAB_ERRTEXT_H

/* The text lives in a per-thread buffer, valid until this thread's next call. */
const char *errtext(int err);

#endif

package io.invoicesieve.serde;

/** Why a payload is not a valid invoice; the message goes to the dead-letter output. */
public class InvalidInvoiceException extends Exception {

    private static final long serialVersionUID = 1L;

    public InvalidInvoiceException(String message) {
        super(message, null, false, false);
    }
}

"""The pages: each validates its input, calls one service (a read of ``services.access`` or
``services.board``, or an action) and renders a template. No rule of appraisal or pay lives here."""

"""The main window and the parts only it uses: sign-in, search, the user card's loader, the
clipboard guard and the idle watch."""

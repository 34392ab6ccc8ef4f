"""The onboarding checklist in the window: the panel, the session list, the simulated phone,
and the controller that polls, saves and issues for every open session (:class:`Guide` wires
them into :class:`~tapdesk.ui.window.main_window.MainWindow`)."""

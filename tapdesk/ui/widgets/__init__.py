"""The window's parts, one concern each; none of them calls Graph or MSAL directly."""

"""Microsoft Graph: the channel's threads read with msgraph-sdk, turned into plain dataclasses."""

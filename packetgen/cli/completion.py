"""``packetgen completion bash|zsh|fish``: print the shell's tab-completion script (click's own)."""

from __future__ import annotations

import click

SHELLS = {
    "bash": ('eval "$(packetgen completion bash)"', "~/.bashrc"),
    "zsh": ('eval "$(packetgen completion zsh)"', "~/.zshrc"),
    "fish": ("packetgen completion fish | source", "~/.config/fish/config.fish"),
}


@click.command("completion")
@click.argument("shell", type=click.Choice(sorted(SHELLS)))
def command(shell):
    """Print the tab-completion script for SHELL (bash, zsh or fish).

    \b
    Enable it for this shell session, or add the line to your shell's start-up file:
      bash:  eval "$(packetgen completion bash)"     (in ~/.bashrc)
      zsh:   eval "$(packetgen completion zsh)"      (in ~/.zshrc)
      fish:  packetgen completion fish | source      (in ~/.config/fish/config.fish)
    """
    from click.shell_completion import get_completion_class

    from packetgen.cli.main import cli

    cls = get_completion_class(shell)
    comp = cls(cli, {}, "packetgen", "_PACKETGEN_COMPLETE")
    click.echo(comp.source())

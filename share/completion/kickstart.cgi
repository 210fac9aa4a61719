# bash completion for kickstart.cgi(8)
_kickstart_cgi() {
  local cur=${COMP_WORDS[COMP_CWORD]}
  COMPREPLY=($(compgen -W '--help --version' -- "$cur"))
}
complete -F _kickstart_cgi kickstart.cgi

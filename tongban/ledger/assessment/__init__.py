"""Performance assessment (月总结、季考评), kept apart from the ledger proper: its models live in
`ledger.models.assessment`, its computations in `indicators`, its writes in `services`. It is
part of the ledger app because its main inputs are ledger facts and its opinions come from the
same consultations; it reads cases, appeals and reviews only through dated facts."""

// Spreadsheet import (issue 17): the contract, CSV reading and row validation, free of any framework.
export * from './csv-table';
export * from './import-contracts';
export * from './import-rows';
